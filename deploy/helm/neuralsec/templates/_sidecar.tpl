{{/* The NeuralSec container: a native sidecar in upstream mode, the pod's one container in embedded mode. */}}
{{- define "neuralsec.sidecar" -}}
{{- $upstream := eq .Values.modelServer.mode "upstream" -}}
{{- $scheme := ternary "HTTPS" "HTTP" .Values.tls.enabled -}}
- name: neuralsec
  image: {{ include "neuralsec.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if $upstream }}
  # Native sidecar: started before Triton, stopped after it, restarted on its own if it dies.
  restartPolicy: Always
  {{- end }}
  args: ["serve"]
  env:
    {{- if $upstream }}
    - name: NeuralSec__Backend
      value: Upstream
    - name: NeuralSec__Upstream__Address
      value: http://127.0.0.1:9001
    {{- else }}
    - name: NeuralSec__Backend
      value: OnnxRuntime
    {{- range $i, $model := .Values.modelServer.models }}
    - name: NeuralSec__OnnxRuntime__Models__{{ $i }}
      value: {{ $model | quote }}
    {{- end }}
    {{- end }}
    - name: NeuralSec__Server__ListenAddress
      value: 0.0.0.0
    - name: NeuralSec__Policies__Directory
      value: /etc/neuralsec/policies
    # Auxiliary models (and, embedded, the served ones): the image's repository unless a volume replaces it.
    - name: NeuralSec__OnnxRuntime__ModelRepository
      value: {{ include "neuralsec.modelRepository" . }}
    {{- if .Values.tls.enabled }}
    - name: NeuralSec__Server__TlsCertificatePath
      value: /etc/neuralsec/tls/tls.crt
    - name: NeuralSec__Server__TlsKeyPath
      value: /etc/neuralsec/tls/tls.key
    {{- if .Values.tls.clientCa.existingSecret }}
    - name: NeuralSec__Identity__ClientCaPath
      value: /etc/neuralsec/client-ca/{{ .Values.tls.clientCa.secretKey }}
    {{- end }}
    - name: NeuralSec__Identity__RequireClientCertificate
      value: {{ .Values.tls.requireClientCertificate | quote }}
    - name: NeuralSec__Identity__CertificateField
      value: {{ .Values.tls.certificateField | quote }}
    {{- end }}
    - name: NeuralSec__Identity__TrustedHeader
      value: {{ .Values.identity.trustedHeader | quote }}
    {{- range $i, $source := .Values.identity.sources }}
    - name: NeuralSec__Identity__Sources__{{ $i }}
      value: {{ $source | quote }}
    {{- end }}
    {{- if .Values.apiKeys.enabled }}
    - name: NeuralSec__Identity__ApiKeysFile
      value: /etc/neuralsec/api-keys/{{ .Values.apiKeys.secretKey }}
    - name: NeuralSec__Identity__ApiKeyHeader
      value: {{ .Values.apiKeys.header | quote }}
    {{- end }}
    {{- /* Alert sinks, numbered in the order they are enabled. */}}
    {{- $sink := 0 }}
    {{- if .Values.alerts.stdout }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Type
      value: JsonLines
    {{- $sink = add1 $sink }}
    {{- end }}
    {{- if .Values.alerts.webhook.enabled }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Type
      value: Webhook
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Url
      valueFrom:
        secretKeyRef:
          name: {{ include "neuralsec.webhookSecret" . }}
          key: {{ .Values.alerts.webhook.urlKey }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Headers__Authorization
      valueFrom:
        secretKeyRef:
          name: {{ include "neuralsec.webhookSecret" . }}
          key: {{ .Values.alerts.webhook.authorizationKey }}
          optional: true
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__SpoolDirectory
      value: /var/spool/neuralsec/webhook
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__SpoolMaxBytes
      value: {{ .Values.alerts.webhook.spoolMaxBytes | int64 | quote }}
    {{- $sink = add1 $sink }}
    {{- end }}
    {{- if .Values.alerts.syslog.enabled }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Type
      value: Syslog
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Protocol
      value: {{ .Values.alerts.syslog.protocol | quote }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Host
      value: {{ .Values.alerts.syslog.host | quote }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Port
      value: {{ .Values.alerts.syslog.port | quote }}
    - name: NeuralSec__Alerts__Sinks__{{ $sink }}__Format
      value: {{ .Values.alerts.syslog.format | quote }}
    {{- $sink = add1 $sink }}
    {{- end }}
    # One fingerprint secret for every replica, so they (and a shared Redis index) fingerprint a query alike.
    - name: NeuralSec__ClientState__FingerprintSecretFile
      value: /etc/neuralsec/fingerprint/{{ .Values.fingerprintSecret.secretKey }}
    {{- if .Values.redis.enabled }}
    - name: NeuralSec__Redis__Configuration
      valueFrom:
        secretKeyRef:
          name: {{ include "neuralsec.redisSecret" . }}
          key: {{ .Values.redis.secretKey }}
    - name: NeuralSec__Redis__KeyPrefix
      value: {{ .Values.redis.keyPrefix | quote }}
    {{- end }}
    - name: DOTNET_gcServer
      value: "0"  # workstation GC: a small, latency-bound process
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    {{- with .Values.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - name: http
      containerPort: 8000
    - name: grpc
      containerPort: 8001
    - name: metrics
      containerPort: 8002
  {{- if .Values.probes.custom }}
  {{- with .Values.probes.custom.startup }}
  startupProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.probes.custom.liveness }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.probes.custom.readiness }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- else }}
  # Startup and liveness look at the process only: a native sidecar must not wait for Triton, which starts only
  # once this container's startup probe has passed.
  startupProbe:
    httpGet: { path: /v2/health/live, port: http, scheme: {{ $scheme }} }
    {{- toYaml .Values.probes.startup | nindent 4 }}
  livenessProbe:
    httpGet: { path: /v2/health/live, port: http, scheme: {{ $scheme }} }
    {{- toYaml .Values.probes.liveness | nindent 4 }}
  # Ready only when the model server answers ServerReady.
  readinessProbe:
    httpGet: { path: /v2/health/ready, port: http, scheme: {{ $scheme }} }
    {{- toYaml .Values.probes.readiness | nindent 4 }}
  {{- end }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    runAsUser: 1654
    runAsGroup: 1654
    {{- include "neuralsec.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: policies
      mountPath: /etc/neuralsec/policies
      readOnly: true
    - name: sidecar-tmp
      mountPath: /tmp
    {{- if .Values.alerts.webhook.enabled }}
    # Webhook spool: alerts wait here while the receiver is unreachable, across container restarts.
    - name: alert-spool
      mountPath: /var/spool/neuralsec
    {{- end }}
    - name: fingerprint-secret
      mountPath: /etc/neuralsec/fingerprint
      readOnly: true
    {{- if .Values.auxiliaryModels.volume }}
    - name: auxiliary-models
      mountPath: {{ .Values.auxiliaryModels.mountPath }}
      readOnly: true
    {{- end }}
    {{- if .Values.tls.enabled }}
    - name: tls
      mountPath: /etc/neuralsec/tls
      readOnly: true
    {{- if .Values.tls.clientCa.existingSecret }}
    - name: client-ca
      mountPath: /etc/neuralsec/client-ca
      readOnly: true
    {{- end }}
    {{- end }}
    {{- if .Values.apiKeys.enabled }}
    - name: api-keys
      mountPath: /etc/neuralsec/api-keys
      readOnly: true
    {{- end }}
{{- end }}
