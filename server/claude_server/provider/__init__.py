"""Model providers: the Anthropic Messages API over HTTP, streamed.

The only place where httpx and the API's wire format are known. Everything leaving this package
is a :mod:`claude_server.model` stream event or a :mod:`claude_server.errors` error.

- :class:`AnthropicProvider` streams responses and counts tokens; :func:`provider_from_env`
  builds one from the environment (:class:`ProviderSettings`).
- :func:`build_request` turns a :class:`~claude_server.model.ModelRequest` into the exact JSON
  body and beta flags (prompt caching, thinking, effort).
- :func:`resolve_model`, :func:`model_info` and :func:`estimate_cost` hold every fact about
  particular models (aliases, limits, capabilities, prices).
"""

from claude_server.model import (
    EFFORT_LEVELS,
    Effort,
    ThinkingConfig,
    ThinkingMode,
    TokenCount,
    TokenCounter,
)
from claude_server.provider._accumulate import MessageAccumulator
from claude_server.provider._anthropic import (
    ANTHROPIC_VERSION,
    DEFAULT_BASE_URL,
    AnthropicProvider,
)
from claude_server.provider._models import (
    ALIASES,
    MODELS,
    TABLE_DATE,
    ModelInfo,
    Price,
    estimate_cost,
    model_info,
    resolve_model,
)
from claude_server.provider._partial_json import parse_partial_json
from claude_server.provider._request import (
    DEFAULT_THINKING_BUDGET,
    MAX_CACHE_BREAKPOINTS,
    MIN_THINKING_BUDGET,
    BuiltRequest,
    build_count_tokens_request,
    build_request,
    effort_param,
    merge_betas,
    request_headers,
    thinking_param,
)
from claude_server.provider._retry import RetryPolicy, parse_retry_after
from claude_server.provider._settings import ProviderSettings, provider_from_env
from claude_server.provider._sse import SSEDecoder, SSEEvent
from claude_server.provider._tokens import estimate_tokens

__all__ = [
    "ALIASES",
    "ANTHROPIC_VERSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_THINKING_BUDGET",
    "EFFORT_LEVELS",
    "MAX_CACHE_BREAKPOINTS",
    "MIN_THINKING_BUDGET",
    "MODELS",
    "TABLE_DATE",
    "AnthropicProvider",
    "BuiltRequest",
    "Effort",
    "MessageAccumulator",
    "ModelInfo",
    "Price",
    "ProviderSettings",
    "RetryPolicy",
    "SSEDecoder",
    "SSEEvent",
    "ThinkingConfig",
    "ThinkingMode",
    "TokenCount",
    "TokenCounter",
    "build_count_tokens_request",
    "build_request",
    "effort_param",
    "estimate_cost",
    "estimate_tokens",
    "merge_betas",
    "model_info",
    "parse_partial_json",
    "parse_retry_after",
    "provider_from_env",
    "request_headers",
    "resolve_model",
    "thinking_param",
]
