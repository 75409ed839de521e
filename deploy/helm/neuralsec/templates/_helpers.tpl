{{/* Names and labels. */}}
{{- define "neuralsec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "neuralsec.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "neuralsec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "neuralsec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "neuralsec.labels" -}}
{{ include "neuralsec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: neuralsec
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "neuralsec.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Secret names: the existing one, else the one this chart renders. */}}
{{- define "neuralsec.webhookSecret" -}}
{{- default (printf "%s-alert-webhook" (include "neuralsec.fullname" .)) .Values.alerts.webhook.existingSecret }}
{{- end }}
{{- define "neuralsec.fingerprintSecret" -}}
{{- default (printf "%s-fingerprint" (include "neuralsec.fullname" .)) .Values.fingerprintSecret.existingSecret }}
{{- end }}
{{- define "neuralsec.redisSecret" -}}
{{- default (printf "%s-redis" (include "neuralsec.fullname" .)) .Values.redis.existingSecret }}
{{- end }}
{{- define "neuralsec.apiKeysSecret" -}}
{{- default (printf "%s-api-keys" (include "neuralsec.fullname" .)) .Values.apiKeys.existingSecret }}
{{- end }}
{{- define "neuralsec.policiesConfigMap" -}}
{{- default (printf "%s-policies" (include "neuralsec.fullname" .)) .Values.policies.existingConfigMap }}
{{- end }}

{{/* The sidecar's model repository: a mounted volume, else the image's own. */}}
{{- define "neuralsec.modelRepository" -}}
{{- if .Values.auxiliaryModels.volume }}{{ .Values.auxiliaryModels.mountPath }}{{ else }}/app/models{{ end }}
{{- end }}

{{/* Container-level hardening shared by every container. */}}
{{- define "neuralsec.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Values that cannot work together fail the render, not the pod. */}}
{{- define "neuralsec.validate" -}}
{{- if not (has .Values.modelServer.mode (list "upstream" "embedded")) }}
{{- fail (printf "modelServer.mode must be upstream or embedded, not %q" .Values.modelServer.mode) }}
{{- end }}
{{- if and (eq .Values.modelServer.mode "embedded") (empty .Values.modelServer.models) }}
{{- fail "modelServer.models: name the served models (the image's repository holds fixtures that must never be served)" }}
{{- end }}
{{- if and .Values.alerts.webhook.enabled (not .Values.alerts.webhook.existingSecret) (not .Values.alerts.webhook.url) }}
{{- fail "alerts.webhook: set existingSecret or url (or enabled: false)" }}
{{- end }}
{{- if and .Values.redis.enabled (not .Values.redis.existingSecret) (not .Values.redis.configuration) }}
{{- fail "redis: set existingSecret or configuration" }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) }}
{{- fail "tls.existingSecret: a kubernetes.io/tls Secret is required" }}
{{- end }}
{{- if and .Values.tls.requireClientCertificate (not .Values.probes.custom) }}
{{- fail "tls.requireClientCertificate: the kubelet's HTTP probes carry no client certificate; set probes.custom" }}
{{- end }}
{{- if and .Values.alerts.syslog.enabled (not .Values.alerts.syslog.host) }}
{{- fail "alerts.syslog.host is required" }}
{{- end }}
{{- if and (not .Values.policies.builtin) (empty .Values.policies.extra) (not .Values.policies.existingConfigMap) }}
{{- fail "policies: no policy at all (builtin: false, no extra, no existingConfigMap)" }}
{{- end }}
{{- end }}
