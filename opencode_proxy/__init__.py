"""opencode-proxy: the OpenCode UI in a Kubeflow notebook, its server in a sandbox pod."""

__version__ = "0.1.0"
