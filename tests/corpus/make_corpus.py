#!/usr/bin/env python3
"""Writes the safetensors / sharded-index cases of the malformed-input corpus (st_*, idx_*).

Plain python3, no third-party packages; deterministic (re-running gives identical bytes).
Each case is a directory with case.json {"target", "expect", "about"} and its input files;
`target` is relative to the case directory ("." = the directory itself) and `expect` is a
substring of the one-line error that opening it must give. The layout written here follows
the safetensors format (safetensors/src/tensor.rs: 8-byte little-endian header length, JSON
header padded with spaces to a multiple of 8, data buffer). Other helpers own the other prefixes
in this folder.

Usage: python3 tests/corpus/make_corpus.py [--out DIR]   (default: this script's directory)
"""
import argparse
import json
import os
import shutil
import struct

PREFIXES = ("st_", "idx_")


def header_bytes(header_text, pad=True):
    raw = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    if pad:
        raw += b" " * ((8 - len(raw) % 8) % 8)
    return struct.pack("<Q", len(raw)) + raw


def tensor_file(tensors, metadata=None, edit=None):
    """tensors: list of (name, dtype, shape, nbytes); data is a byte pattern."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape, nbytes in tensors:
        begin = len(data)
        data += bytes((i * 31 + 7) % 256 for i in range(nbytes))
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, len(data)]}
    if edit:
        edit(header)
    return header_bytes(json.dumps(header, separators=(",", ":"))) + data


def raw_file(header_text, data=b""):
    return header_bytes(header_text) + data


VALID = tensor_file([("w", "F32", [2, 2], 16)], metadata={"format": "pt"})


def set_offsets(name, begin, end):
    def edit(header):
        header[name]["data_offsets"] = [begin, end]
    return edit


def safetensors_cases():
    two = [("a", "F32", [2], 8), ("b", "F32", [2], 8)]
    entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'
    return {
        "st_too_small": (b"\x10\x00\x00\x00\x00", "file too small", "5 bytes: shorter than the 8-byte header length"),
        "st_truncated": (VALID[:-5], "data buffer not exactly covered", "valid file with its last 5 data bytes cut"),
        "st_header_past_eof": (struct.pack("<Q", 4096) + b'{"w":1}', "header length past end of file",
                               "N = 4096 but the file holds 15 bytes"),
        "st_header_too_large": (struct.pack("<Q", 200_000_000) + b"{}      ", "header length too large",
                                "N = 200000000 > the 100 MB limit"),
        "st_invalid_json": (raw_file('{"w": {"dtype": "F32",'), "header is not valid JSON", "header JSON cut short"),
        "st_not_object": (raw_file("[1, 2, 3]"), "header is not a JSON object", "header is a JSON array"),
        "st_non_utf8_header": (raw_file(b'{"__metadata__":{"format":"p\xfft"}}'), "header is not valid UTF-8",
                               "0xFF byte inside a metadata value"),
        "st_non_utf8_name": (raw_file(b'{"w\xc0\x80":' + entry.encode() + b"}", b"\0" * 4),
                             "header is not valid UTF-8", "tensor name holds an overlong NUL (C0 80)"),
        "st_unknown_dtype": (tensor_file([("w", "F128", [1], 4)]), "unknown dtype (tensor 'w')", "dtype F128"),
        "st_missing_field": (raw_file('{"w":{"dtype":"F32","data_offsets":[0,4]}}', b"\0" * 4),
                             "missing field (tensor 'w')", "entry without shape"),
        "st_extra_field": (raw_file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}}', b"\0" * 4),
                           "unknown field (tensor 'w')", "entry with an extra 'strides' field"),
        "st_negative_dim": (tensor_file([("w", "F32", [-1, 4], 0)]), "bad shape (tensor 'w')", "shape [-1, 4]"),
        "st_dim_too_large": (tensor_file([("w", "U8", [2 ** 48], 0)]), "bad shape (tensor 'w')",
                             "dim 2^48, above the schema's 2^48-1"),
        "st_huge_dims": (tensor_file([("w", "F32", [2 ** 47, 2 ** 47], 0)]), "tensor size overflows (tensor 'w')",
                         "numel 2^94 overflows 64 bits"),
        "st_offsets_overlap": (tensor_file(two, edit=set_offsets("b", 4, 12)), "data_offsets not contiguous (tensor 'b')",
                               "b starts inside a"),
        "st_offsets_gap": (tensor_file(two, edit=set_offsets("b", 12, 20)) + b"\0" * 4, "data_offsets not contiguous (tensor 'b')",
                           "4 unused bytes between a and b"),
        "st_offsets_out_of_range": (tensor_file([("w", "F32", [100], 16)], edit=set_offsets("w", 0, 400)),
                                    "data buffer not exactly covered", "offsets [0, 400] in a 16-byte buffer"),
        "st_wrong_byte_count": (tensor_file([("w", "F32", [2, 3], 20)]), "wrong byte count (tensor 'w')",
                                "F32 [2, 3] needs 24 bytes, offsets give 20"),
        "st_bits_not_whole_bytes": (tensor_file([("w", "F4", [3], 2)]), "tensor does not fill whole bytes (tensor 'w')",
                                    "F4 with 3 elements = 12 bits"),
        "st_trailing_bytes": (VALID + b"POLYGLOT", "data buffer not exactly covered", "8 bytes after the last tensor"),
        "st_duplicate_key": (raw_file('{"w":' + entry + ',"w":' + entry + "}", b"\0" * 4), "header JSON rejected: duplicate key 'w'",
                             "tensor name twice in the header"),
        "st_metadata_non_string": (tensor_file([("w", "F32", [1], 4)], metadata={"step": 10}),
                                   "bad __metadata__ (field 'step')", "metadata value is a number"),
    }


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode("utf-8"))


def write_case(out, name, target, expect, about, files, symlinks=()):
    case = os.path.join(out, name)
    for rel, content in files.items():
        write(os.path.join(case, rel), content)
    for rel, link_target in symlinks:
        os.symlink(link_target, os.path.join(case, rel))
    os.makedirs(case, exist_ok=True)
    meta = {"target": target, "expect": expect, "about": about}
    write(os.path.join(case, "case.json"), json.dumps(meta, indent=2) + "\n")


def index_json(weight_map):
    return json.dumps({"metadata": {"total_size": 16}, "weight_map": weight_map}, indent=2) + "\n"


SHARD1 = "model-00001-of-00002.safetensors"
SHARD2 = "model-00002-of-00002.safetensors"


def index_cases():
    s1 = tensor_file([("a", "F32", [2], 8)], metadata={"format": "pt"})
    s2 = tensor_file([("b", "F32", [2], 8)], metadata={"format": "pt"})
    shards = {SHARD1: s1, SHARD2: s2}
    return {
        "idx_invalid_json": (".", "index is not valid JSON", "index JSON cut short",
                             {**shards, "model.safetensors.index.json": '{"weight_map": {"a": '}, ()),
        "idx_escape_dotdot": (".", "'..' component", "weight_map names ../outside.safetensors",
                              {SHARD1: s1, "model.safetensors.index.json":
                               index_json({"a": SHARD1, "b": "../outside.safetensors"})}, ()),
        "idx_escape_absolute": (".", "an absolute path", "weight_map names /etc/model.safetensors",
                                {SHARD1: s1, "model.safetensors.index.json":
                                 index_json({"a": SHARD1, "b": "/etc/model.safetensors"})}, ()),
        "idx_escape_symlink": (".", "resolves outside the directory",
                               "shard 2 is a symlink to a file in another case directory",
                               {SHARD1: s1, "model.safetensors.index.json": index_json({"a": SHARD1, "b": SHARD2})},
                               ((SHARD2, "../st_trailing_bytes/model.safetensors"),)),
        "idx_missing_shard": (".", "missing shard (tensor 'b'): expected file '" + SHARD2 + "'",
                              "index names a shard that is not there",
                              {SHARD1: s1, "model.safetensors.index.json": index_json({"a": SHARD1, "b": SHARD2})}, ()),
        "idx_tensor_missing_from_shard": (".", "tensor missing from its shard (tensor 'c')",
                                          "index lists tensor c in shard 2, which holds only b",
                                          {**shards, "model.safetensors.index.json":
                                           index_json({"a": SHARD1, "b": SHARD2, "c": SHARD2})}, ()),
        "idx_tensor_in_wrong_shard": (".", "not where the index puts it (tensor 'b')",
                                      "shard 1 also holds b, which the index lists under shard 2",
                                      {SHARD1: tensor_file([("a", "F32", [2], 8), ("b", "F32", [2], 8)]), SHARD2: s2,
                                       "model.safetensors.index.json": index_json({"a": SHARD1, "b": SHARD2})}, ()),
        "idx_weight_map_not_object": (".", "bad field 'weight_map'", "weight_map is a list",
                                      {**shards, "model.safetensors.index.json": '{"weight_map": ["a", "b"]}\n'}, ()),
        "idx_pickle_only": (".", "never unpickles", "only pytorch_model.bin (not a real pickle; never read)",
                            {"pytorch_model.bin": b"\x80\x02}q\x00.", "config.json": "{}\n"}, ()),
        "idx_empty_dir": ("empty", "empty directory", "an empty directory (.gitkeep is hidden and ignored)",
                          {"empty/.gitkeep": b""}, ()),
        "idx_broken_shard": (".", SHARD2 + ": header length past end of file", "shard 2 is cut inside its header",
                             {SHARD1: s1, SHARD2: s2[:20],
                              "model.safetensors.index.json": index_json({"a": SHARD1, "b": SHARD2})}, ()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    for entry in sorted(os.listdir(out)):
        if entry.startswith(PREFIXES) and os.path.isdir(os.path.join(out, entry)):
            shutil.rmtree(os.path.join(out, entry))
    for name, (content, expect, about) in safetensors_cases().items():
        write_case(out, name, "model.safetensors", "model.safetensors: " + expect, about,
                   {"model.safetensors": content})
    for name, (target, expect, about, files, links) in index_cases().items():
        write_case(out, name, target, expect, about, files, links)


if __name__ == "__main__":
    main()
