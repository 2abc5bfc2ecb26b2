"""Model providers: the Anthropic Messages API over HTTP, streamed.

The only place where httpx and the API's wire format are known. Everything leaving this package
is a :mod:`claude_server.model` stream event or a :mod:`claude_server.errors` error.
"""

from claude_server.provider._accumulate import MessageAccumulator
from claude_server.provider._anthropic import (
    ANTHROPIC_VERSION,
    DEFAULT_BASE_URL,
    AnthropicProvider,
)
from claude_server.provider._partial_json import parse_partial_json
from claude_server.provider._retry import RetryPolicy, parse_retry_after
from claude_server.provider._sse import SSEDecoder, SSEEvent

__all__ = [
    "ANTHROPIC_VERSION",
    "DEFAULT_BASE_URL",
    "AnthropicProvider",
    "MessageAccumulator",
    "RetryPolicy",
    "SSEDecoder",
    "SSEEvent",
    "parse_partial_json",
    "parse_retry_after",
]
