"""Helpers shared by the tests: starting real daemons and talking to them."""
