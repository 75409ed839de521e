# syntax=docker/dockerfile:1
# NeuralSec sidecar, CPU image: ONNX Runtime's CPU build. For the CUDA image see Dockerfile.gpu.
#   docker build -t neuralsec:dev .
#   docker run --rm -p 8000-8002:8000-8002 neuralsec:dev
# Both stages are Debian/Ubuntu (glibc): ONNX Runtime's native library is built against glibc, so Alpine/musl
# images cannot load it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH=amd64
WORKDIR /src

# Restore from the project files alone, so this layer survives source edits.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
# Every project the gateway builds from, directly or not (tests/Repository.Tests/DockerfileTests checks the list).
COPY src/Directory.Build.props src/BannedSymbols.txt src/
COPY src/Text/NeuralSec.Text.csproj src/Text/
COPY src/Data/NeuralSec.Data.csproj src/Data/
COPY src/Detectors/NeuralSec.Detectors.csproj src/Detectors/
COPY src/Policy/NeuralSec.Policy.csproj src/Policy/
COPY src/CommandLine/NeuralSec.CommandLine.csproj src/CommandLine/
COPY src/Gateway.Core/NeuralSec.Gateway.Core.csproj src/Gateway.Core/
COPY src/Gateway/NeuralSec.Gateway.csproj src/Gateway/
RUN RID="linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64)" \
 && dotnet restore src/Gateway/NeuralSec.Gateway.csproj -r "$RID"

# The rest of the context, trimmed by .dockerignore to the sources the gateway builds from, models/ and
# policies/ (the Gateway project links models/repository/** and policies/*.yaml into its output). One COPY of
# the trimmed context rather than one per folder, so a folder that is still empty (git keeps none) is no error.
COPY . .
# Framework-dependent for one RID: the aspnet runtime comes from the base image, and only that RID's native
# ONNX Runtime library is copied (not every OS's).
RUN RID="linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64)" \
 && dotnet publish src/Gateway/NeuralSec.Gateway.csproj -c Release -r "$RID" --self-contained false --no-restore -o /app \
 && test -x /app/neuralsec && test -d /app/models

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Kestrel's listeners are set by the gateway itself (NeuralSec:Server:*); the image's default 8080 would only
# produce an "overriding URLs" warning.
ENV ASPNETCORE_HTTP_PORTS="" \
    DOTNET_NOLOGO=1 \
    NeuralSec__Server__ListenAddress=0.0.0.0
COPY --from=build --chown=root:root /app ./
# Non-root: the image's `app` user (UID 1654), numeric so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
# 8000 HTTP (REST v2, /v2/health/*), 8001 gRPC (OIP v2, grpc.health.v1), 8002 Prometheus /metrics.
EXPOSE 8000 8001 8002
# The image has no curl/wget; the executable probes its own readiness endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/neuralsec", "healthcheck", "--url", "http://127.0.0.1:8000/v2/health/ready"]
ENTRYPOINT ["/app/neuralsec"]
