"""What may pass: the request's origin, its client's rate, and the target it names."""
