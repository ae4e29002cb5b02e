"""Carrying an admitted request to its target and the answer back: HTTP, events, websockets."""
