"""Tests of claude_server.provider."""
