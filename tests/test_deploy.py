"""The Kubernetes manifests in deploy/ are valid against the Kubernetes schemas and agree
with each other and with the service's own settings. No cluster is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from opencode_proxy.cli import flags
from opencode_proxy.settings import Settings
from opencode_proxy.target.catalog import load_servers_file

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
KUBERNETES_VERSION = "1.31.0"


def documents() -> list[dict[str, Any]]:
    """Every resource of the kustomization, in order."""
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    found = []
    for name in kustomization["resources"]:
        found += [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]
    return found


def one(kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [
        d
        for d in documents()
        if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]
    assert len(matches) == 1, (kind, name)
    return matches[0]


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


@pytest.mark.parametrize(
    "resource",
    [d for d in documents() if d["apiVersion"] != "kubeflow.org/v1"],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_valid_against_kubernetes_schema(resource: dict[str, Any]) -> None:
    """Every standard resource validates strictly (no unknown fields) against Kubernetes' schema."""
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_notebook_pod_template_is_valid() -> None:
    """The Notebook's pod template is a valid PodTemplateSpec; the CR has the shape Kubeflow reads."""
    notebook = one("Notebook")
    assert notebook["apiVersion"] == "kubeflow.org/v1"
    template = {
        "apiVersion": "v1",
        "kind": "PodTemplate",
        "metadata": {"name": "check"},
        "template": notebook["spec"]["template"],
    }
    kubernetes_validate.validate(template, KUBERNETES_VERSION, strict=True)
    container = notebook["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8888
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert notebook["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 1000


def test_notebook_settings_are_real_options() -> None:
    """Every OPENCODE_PROXY_* variable the Notebook sets is an option the service knows."""
    known = {flag.env for flag in flags()}
    container = one("Notebook")["spec"]["template"]["spec"]["containers"][0]
    used = {name for name in env_of(container) if name.startswith("OPENCODE_PROXY_")}
    assert used
    assert used <= known


def test_probes_use_the_prefix() -> None:
    """Probes hit /healthz and /readyz under the notebook's prefix."""
    notebook = one("Notebook")
    prefix = f"/notebook/{notebook['metadata']['namespace']}/{notebook['metadata']['name']}"
    container = notebook["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == prefix + "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == prefix + "/readyz"


def test_sandbox_service_network_policy_and_servers_file_agree(tmp_path: Path) -> None:
    """The servers file names the sandbox Service, on the port the policy opens, and loads."""
    service = one("Service", "opencode-sandbox")
    deployment = one("Deployment", "opencode-sandbox")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    port = service["spec"]["ports"][0]
    assert port["name"] == Settings().discover_port_name
    assert service["metadata"]["labels"] == dict([Settings().discover_selector.split("=")])
    policy = one("NetworkPolicy", "opencode-sandbox-ingress")
    assert policy["spec"]["ingress"][0]["ports"][0]["port"] == port["port"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()

    servers_text = one("ConfigMap", "opencode-proxy-servers")["data"]["servers.yaml"]
    (tmp_path / "password").write_text("from-the-secret")
    path = tmp_path / "servers.yaml"
    path.write_text(
        servers_text.replace("/etc/opencode-proxy/secrets/password", str(tmp_path / "password"))
    )
    (server,) = load_servers_file(path, {})
    namespace = service["metadata"]["namespace"]
    assert (
        server.url
        == f"http://{service['metadata']['name']}.{namespace}.svc.cluster.local:{port['port']}"
    )
    assert server.password == "from-the-secret"

    notebook = one("Notebook")
    container = notebook["spec"]["template"]["spec"]["containers"][0]
    allow = env_of(container)["OPENCODE_PROXY_ALLOW"]
    from opencode_proxy.policy.allowlist import Allowlist

    assert Allowlist(allow.split(",")).matches(server.target)
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert env_of(container)["OPENCODE_PROXY_SERVERS_FILE"] in mounts
    assert "/etc/opencode-proxy/secrets" in mounts


def test_state_lives_on_the_home_volume() -> None:
    """The proxy's state directory is on a mounted persistent volume (the root filesystem is
    read-only), and that volume is the claim the kustomization makes."""
    notebook = one("Notebook")
    pod = notebook["spec"]["template"]["spec"]
    container = pod["containers"][0]
    state_dir = Path(env_of(container)["OPENCODE_PROXY_STATE_DIR"])
    mounts = [m for m in container["volumeMounts"] if state_dir.is_relative_to(m["mountPath"])]
    assert len(mounts) == 1, "the state directory must be on exactly one mounted volume"
    assert not mounts[0].get("readOnly", False)
    volume = next(v for v in pod["volumes"] if v["name"] == mounts[0]["name"])
    claim = one("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    # Where the image's HOME puts the default too, so the variable only says it aloud.
    dockerfile = (DEPLOY.parent / "Dockerfile").read_text()
    assert "HOME=/home/jovyan" in dockerfile
    assert state_dir == Path("/home/jovyan/.local/share/opencode-proxy")
