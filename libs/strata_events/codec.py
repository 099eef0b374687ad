"""Wire codec: JSON payloads via msgspec, with a fast path for current versions."""

from __future__ import annotations

from typing import Any

import msgspec

from strata_events.types import Event
from strata_events.upcasting import CURRENT_VERSIONS, NewerVersionError, UpcastError, upcast

__all__ = ["DecodeError", "NewerEventVersion", "decode_event", "encode_event"]

_encoder = msgspec.json.Encoder()
_typed_decoder: msgspec.json.Decoder[Event] = msgspec.json.Decoder(Event)
_raw_decoder: msgspec.json.Decoder[dict[str, Any]] = msgspec.json.Decoder(dict[str, Any])


class DecodeError(ValueError):
    """A payload is not a valid Strata event; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NewerEventVersion(DecodeError):
    """Written by newer code: a reader must stop and be upgraded rather than skip it."""


def encode_event(event: Event) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes, *, tag: str | None = None, version: int | None = None) -> Event:
    """Decode a payload, upcasting it first when its version is older than the code's.

    `tag` and `version` come from headers when present; they let current payloads skip the
    generic dict pass.
    """
    if tag is not None and version is not None and CURRENT_VERSIONS.get(tag) == version:
        try:
            event: Event = _typed_decoder.decode(data)
            return event
        except msgspec.DecodeError as exc:
            raise DecodeError(str(exc)) from exc
    if tag is not None and version is not None and version > CURRENT_VERSIONS.get(tag, version):
        raise NewerEventVersion(f"event {tag}: version {version} is newer than this reader")
    try:
        raw = _raw_decoder.decode(data)
        converted: Event = msgspec.convert(upcast(raw), Event)
        return converted
    except NewerVersionError as exc:
        raise NewerEventVersion(str(exc)) from exc
    except (msgspec.DecodeError, msgspec.ValidationError, UpcastError) as exc:
        raise DecodeError(str(exc)) from exc
