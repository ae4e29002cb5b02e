"""Where requests arrive: the middleware, errors as JSON, the service's own routes, the UI."""
