"""Helpers the tests share: fake and raw upstreams, a DNS table, the proxy as a process."""
