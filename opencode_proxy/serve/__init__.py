"""Running the service: worker processes, the HTTP server and its deadlines, draining."""
