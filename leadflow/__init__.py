"""Leadflow: manage the flow of leads for Chinese B2B and distribution sales teams."""
