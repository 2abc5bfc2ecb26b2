"""Session events to JSON and back, for the session files.

Every :data:`~claude_server.model.SessionEvent` class has a stable ``kind`` name in
:data:`EVENT_KINDS` (the same names as the wire's ``update.kind``). An event is stored as
``{"kind": ..., "data": {<fields>}}`` (nested, since an event may itself have a field named
``kind``), fields under their dataclass names; the converters are built once per class from its type hints, so a field of a
type the codec cannot store fails when the table is built (and in the tests), not on a user's
disk. Unknown keys are ignored on decode, so older readers skip fields newer writers add.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

from pydantic import BaseModel

from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    CompactionEvent,
    ConversationRewoundEvent,
    DiffDisplay,
    ErrorEvent,
    ModeChangedEvent,
    ModelChangedEvent,
    PermissionResolvedEvent,
    PlanEvent,
    RetryingEvent,
    SessionEvent,
    TerminalDisplay,
    TextDisplay,
    ToolCallEvent,
    ToolCallUpdateEvent,
    TurnCompletedEvent,
    TurnStartedEvent,
    UsageEvent,
    UserMessageEvent,
)

EVENT_KINDS: dict[type[Any], str] = {
    UserMessageEvent: "user_message",
    AgentTextEvent: "agent_message_chunk",
    AgentThoughtEvent: "agent_thought_chunk",
    TurnStartedEvent: "turn_started",
    TurnCompletedEvent: "turn_completed",
    UsageEvent: "usage_update",
    RetryingEvent: "retrying",
    ErrorEvent: "error",
    ToolCallEvent: "tool_call",
    ToolCallUpdateEvent: "tool_call_update",
    PlanEvent: "plan",
    ModeChangedEvent: "mode_changed",
    ModelChangedEvent: "model_changed",
    PermissionResolvedEvent: "permission_resolved",
    ConversationRewoundEvent: "conversation_rewound",
    CompactionEvent: "compaction",
}
"""The stored name of every event class. Names are forever: renaming one orphans old files."""

TAGGED_KINDS: dict[type[Any], str] = {
    DiffDisplay: "diff",
    TerminalDisplay: "terminal",
    TextDisplay: "text",
}
"""Dataclasses that appear in unions inside events (tool displays), stored with a ``kind``."""


class CodecError(ValueError):
    """A stored event does not match the shape of its class."""


_Enc = Callable[[Any], Any]
_Dec = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _scalar_decoder(expected: type[Any]) -> _Dec:
    def decode(value: Any) -> Any:
        # bool is an int subclass: keep them apart; an int is a fine float.
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            return value
        raise CodecError(f"expected {expected.__name__}, got {type(value).__name__}")

    return decode


def _none_decoder(value: Any) -> Any:
    if value is not None:
        raise CodecError(f"expected null, got {type(value).__name__}")
    return None


def _converters(tp: Any) -> tuple[_Enc, _Dec]:
    """An (encode, decode) pair for values of type ``tp``; TypeError if it cannot be stored."""
    if tp is Any:
        return _identity, _identity
    if tp is type(None) or tp is None:
        return _identity, _none_decoder
    if tp in (str, int, float, bool):
        return _identity, _scalar_decoder(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        allowed = set(args)

        def decode_literal(value: Any) -> Any:
            if value not in allowed:
                raise CodecError(f"{value!r} is not one of {sorted(map(str, allowed))}")
            return value

        return _identity, decode_literal
    if origin in (Union, types.UnionType):
        return _union_converters(args)
    if origin is tuple:
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"only homogeneous tuples can be stored, not {tp}")
        enc_item, dec_item = _converters(args[0])

        def decode_tuple(value: Any) -> Any:
            if not isinstance(value, list):
                raise CodecError(f"expected a list, got {type(value).__name__}")
            return tuple(dec_item(v) for v in value)

        return (lambda value: [enc_item(v) for v in value]), decode_tuple
    if origin is list:
        enc_item, dec_item = _converters(args[0] if args else Any)

        def decode_list(value: Any) -> Any:
            if not isinstance(value, list):
                raise CodecError(f"expected a list, got {type(value).__name__}")
            return [dec_item(v) for v in value]

        return (lambda value: [enc_item(v) for v in value]), decode_list
    if origin is dict:
        if args and args[0] is not str:
            raise TypeError(f"only dicts with string keys can be stored, not {tp}")
        if not args or args[1] is Any:
            return dict, _dict_decoder
        enc_val, dec_val = _converters(args[1])

        def decode_dict(value: Any) -> Any:
            return {k: dec_val(v) for k, v in _dict_decoder(value).items()}

        return (lambda value: {k: enc_val(v) for k, v in value.items()}), decode_dict
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        model: type[BaseModel] = tp

        def decode_model(value: Any) -> Any:
            try:
                return model.model_validate(value)
            except ValueError as exc:
                raise CodecError(str(exc)) from exc

        return (lambda value: value.model_dump(mode="json")), decode_model
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converters(tp, tag=None)
    raise TypeError(f"the session codec cannot store values of type {tp!r}")


def _dict_decoder(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CodecError(f"expected an object, got {type(value).__name__}")
    return value


def _union_converters(args: tuple[Any, ...]) -> tuple[_Enc, _Dec]:
    optional = type(None) in args
    rest = tuple(a for a in args if a is not type(None))
    if all(isinstance(a, type) and a in TAGGED_KINDS for a in rest):
        enc, dec = _tagged_union(rest)
    elif len(rest) == 1:
        enc, dec = _converters(rest[0])
    else:
        # Plain unions (str | list[...]): try each member in order; JSON types tell them apart.
        pairs = [_converters(a) for a in rest]

        def enc(value: Any) -> Any:
            for member, (e, _) in zip(rest, pairs, strict=True):
                if isinstance(member, type) and isinstance(value, member):
                    return e(value)
            return value

        def dec(value: Any) -> Any:
            for _, d in pairs:
                try:
                    return d(value)
                except CodecError:
                    continue
            raise CodecError(f"{value!r} matches no member of the union")

    if not optional:
        return enc, dec

    def enc_opt(value: Any) -> Any:
        return None if value is None else enc(value)

    def dec_opt(value: Any) -> Any:
        return None if value is None else dec(value)

    return enc_opt, dec_opt


def _tagged_union(members: tuple[Any, ...]) -> tuple[_Enc, _Dec]:
    by_class = {m: _dataclass_converters(m, tag=TAGGED_KINDS[m]) for m in members}
    by_tag = {TAGGED_KINDS[m]: conv[1] for m, conv in by_class.items()}

    def enc(value: Any) -> Any:
        pair = by_class.get(type(value))
        if pair is None:
            raise TypeError(f"{type(value).__name__} is not a member of this union")
        return pair[0](value)

    def dec(value: Any) -> Any:
        tag = _dict_decoder(value).get("kind")
        decoder = by_tag.get(tag) if isinstance(tag, str) else None
        if decoder is None:
            raise CodecError(f"unknown kind {tag!r}")
        return decoder(value)

    return enc, dec


def _dataclass_converters(cls: type[Any], *, tag: str | None) -> tuple[_Enc, _Dec]:
    hints = typing.get_type_hints(cls)
    if tag is not None and "kind" in hints:
        raise TypeError(f"{cls.__name__} has a field named 'kind', which its tag would hide")
    required = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    # (name, exact type or None, encoder, decoder). Plain str fields (most of them) skip the
    # converter calls: loading a long session decodes ~100,000 events.
    plan = [
        (f.name, str if hints[f.name] is str else None, *_converters(hints[f.name]))
        for f in dataclasses.fields(cls)
    ]

    def encode(value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {} if tag is None else {"kind": tag}
        for name, exact, enc, _ in plan:
            out[name] = getattr(value, name) if exact is not None else enc(getattr(value, name))
        return out

    def decode(value: Any) -> Any:
        if type(value) is not dict:
            raise CodecError(f"expected an object, got {type(value).__name__}")
        kwargs: dict[str, Any] = {}
        for name, exact, _, dec in plan:
            if name not in value:
                if name in required:
                    raise CodecError(f"{cls.__name__} lacks {name}")
                continue
            item = value[name]
            if exact is None:
                kwargs[name] = dec(item)
            elif type(item) is exact:
                kwargs[name] = item
            else:
                raise CodecError(f"{cls.__name__}.{name}: expected {exact.__name__}")
        return cls(**kwargs)

    return encode, decode


def _build() -> tuple[dict[type[Any], _Enc], dict[str, tuple[type[Any], _Dec]]]:
    encoders: dict[type[Any], _Enc] = {}
    decoders: dict[str, tuple[type[Any], _Dec]] = {}
    for cls, kind in EVENT_KINDS.items():
        enc, dec = _dataclass_converters(cls, tag=None)
        encoders[cls] = enc
        decoders[kind] = (cls, dec)
    return encoders, decoders


_ENCODERS, _DECODERS = _build()


def encode_event(event: SessionEvent) -> dict[str, Any]:
    """The event as a JSON-ready dict: ``{"kind": ..., "data": {<fields>}}``."""
    encoder = _ENCODERS.get(type(event))
    if encoder is None:
        raise TypeError(f"no session codec for {type(event).__name__}; add it to EVENT_KINDS")
    return {"kind": EVENT_KINDS[type(event)], "data": encoder(event)}


def decode_event(value: Any) -> SessionEvent:
    """The event a dict made by :func:`encode_event` describes; :class:`CodecError` if none.

    Other keys beside ``kind`` and ``data`` are ignored, so a record can carry both inline.
    """
    record = _dict_decoder(value)
    kind = record.get("kind")
    entry = _DECODERS.get(kind) if isinstance(kind, str) else None
    if entry is None:
        raise CodecError(f"unknown event kind {kind!r}")
    event: SessionEvent = entry[1](record.get("data"))
    return event
