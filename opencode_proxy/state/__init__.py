"""What the proxy keeps: a SQLite database of users' servers, preferences, sealed passwords."""
