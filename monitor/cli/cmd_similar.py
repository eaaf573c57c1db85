"""`monitor similar` (pairs) and `monitor cluster` (corpus): the stable JSON Lines contract
of GUIDE §4, thin layers over monitor.similarity.compare and monitor.clustering."""

from __future__ import annotations

from typing import TextIO

from monitor.cli.jsonl import iter_jsonl, optional_str, write_jsonl
from monitor.language import LanguageIdentifier
from monitor.similarity import Similarity, compare


def similar_command(stdin: TextIO, stdout: TextIO) -> int:
    """Score each {"id","a","b"} pair; return the process exit code."""
    identifier: LanguageIdentifier | None = None
    model: Similarity | None = None
    for line_no, obj in iter_jsonl(stdin, required=("id", "a", "b")):
        if identifier is None or model is None:
            identifier = LanguageIdentifier()  # built once, on the first pair
            model = Similarity.load()
        verdict = compare(obj["a"], obj["b"], lang_a=optional_str(obj, "lang_a", line_no),
                          lang_b=optional_str(obj, "lang_b", line_no), identifier=identifier, model=model)
        write_jsonl(stdout, {"id": obj["id"], **verdict.as_dict()})
    return 0


def cluster_command(stdin: TextIO, stdout: TextIO) -> int:
    """Read the whole corpus, cluster it, write one assignment per input line in order."""
    # imported here: clustering pulls in scipy, which `monitor similar` would pay for at start-up
    from monitor.clustering import ClusterDoc, cluster_documents

    docs: list[ClusterDoc] = []
    ids: list[object] = []
    for line_no, obj in iter_jsonl(stdin, required=("id", "text")):
        ids.append(obj["id"])
        docs.append(ClusterDoc(id=str(obj["id"]), text=obj["text"], lang=optional_str(obj, "lang", line_no),
                               published=optional_str(obj, "published", line_no)))
    for raw_id, a in zip(ids, cluster_documents(docs), strict=True):
        write_jsonl(stdout, {"id": raw_id, "narrative": a.narrative, "origin": a.origin})
    return 0
