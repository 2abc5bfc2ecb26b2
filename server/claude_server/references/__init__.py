"""What a prompt refers to: ``@path`` references, files pinned with ``/add``, attached images, and
fuzzy path completion for clients.

- :func:`expand_references` turns ``@path`` references (and pins) into API content blocks;
  :func:`image_block_from_base64` reads an image a client attached.
- :func:`search_files` answers ``files/search`` (for ``@`` completion).
"""

from claude_server.references._file_search import (
    FileMatch,
    candidate_paths,
    clear_cache,
    fuzzy_score,
    search_files,
)
from claude_server.references._references import (
    Attachment,
    ExpandedPrompt,
    Pin,
    Pins,
    Reference,
    expand_references,
    find_references,
    image_block,
    image_block_from_base64,
    image_media_type,
    resolve_path,
)

__all__ = [
    "Attachment",
    "ExpandedPrompt",
    "FileMatch",
    "Pin",
    "Pins",
    "Reference",
    "candidate_paths",
    "clear_cache",
    "expand_references",
    "find_references",
    "fuzzy_score",
    "image_block",
    "image_block_from_base64",
    "image_media_type",
    "resolve_path",
    "search_files",
]
