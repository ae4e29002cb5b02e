# The production image: the web UI built in a Node stage, the service in a slim Python
# stage, running as jovyan (uid 1000) on port 8888 under $NB_PREFIX, as Kubeflow expects.
# At run time only the state directory is written, $HOME/.local/share/opencode-proxy (the
# notebook's home volume in Kubeflow), so a read-only root filesystem works.

FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/ ./
# Vite writes the built UI into ../opencode_proxy/static, with a .br and a .gz copy beside
# each file worth compressing (ui/scripts/precompress.mjs); the service sends those.
RUN npm run build

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/jovyan \
    OPENCODE_PROXY_HOST=0.0.0.0 \
    OPENCODE_PROXY_PORT=8888
RUN useradd --create-home --uid 1000 --gid 100 --shell /bin/bash jovyan
WORKDIR /tmp/build
COPY setup.cfg pyproject.toml README.md ./
COPY opencode_proxy/ opencode_proxy/
COPY --from=ui /src/opencode_proxy/static/ opencode_proxy/static/
RUN pip install --no-cache-dir '.[speed]' && cd / && rm -rf /tmp/build
WORKDIR /home/jovyan
USER 1000:100
EXPOSE 8888
CMD ["python", "-m", "opencode_proxy"]
