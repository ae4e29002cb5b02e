"""The servers a request is for: parsing a target, the operator's list, discovery, passwords."""
