"""Byte-level BPE tokenizer.json files trained with HF `tokenizers`, and what that library encodes
and decodes for >= 10,000 test strings per variant.

Layout written into `out`:
  index.json                {"variants": [{name, path, cases, decode_cases, count}, ...]}
  <variant>/tokenizer.json  the tokenizer the C++ port loads
  <variant>.cases.jsonl     one JSON object a line: {"text", "ids", "ids_special", "decoded", "decoded_skip"}
                            ids = encode(text, add_special_tokens=False).ids, ids_special = the same with True,
                            decoded = decode(ids_special, skip_special_tokens=False), decoded_skip = ...True
  <variant>.decode.jsonl    {"ids", "decoded", "decoded_skip"} for random id sequences (partial UTF-8 bytes,
                            special tokens, out-of-range ids) to pin the lossy UTF-8 decode
Variants:
  qwen2          NFC normalizer, Qwen2/3 Split regex + ByteLevel(use_regex=False), merges as [a, b] pairs
  qwen2_legacy   the same vocabulary with merges written in the legacy "a b" string form
  llama3         no normalizer, Llama 3 Split regex, ignore_merges=true, post-processor adds <|begin_of_text|>
  gpt2           the llama3 vocabulary with a plain ByteLevel(use_regex=True) pre-tokenizer (GPT-2 regex)
Training text and test strings come from different seeds; everything is deterministic.
"""
import json
import random
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from tokenizers import Regex

from ._common import write_json

QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")

WORDS = {
    "en": "the quick brown fox jumps over lazy dog model quantization training evaluation weights layer "
          "attention token merge adapter scale zero point group size checkpoint gradient loss".split(),
    "de": "Größe Übung Straße Mädchen schön für Äpfel Öl Bäume grüßen Fußball Käse Tür über".split(),
    "zh": "我们 模型 量化 训练 评估 权重 中文 测试 分词 你好 世界 数据 计算 深度 学习".split(),
    "ja": "こんにちは 世界 東京 カタカナ ひらがな 量子化 モデル 学習 テスト です ます".split(),
    "ko": "안녕하세요 세계 모델 양자화 학습 평가 한국어 테스트 데이터".split(),
    "ar": "مرحبا بالعالم النموذج التدريب التقييم البيانات اللغة العربية".split(),
    "hi": "नमस्ते दुनिया मॉडल प्रशिक्षण मूल्यांकन भाषा हिन्दी परीक्षण".split(),
    "ru": "Привет мир модель квантование обучение оценка данные русский Ёлка".split(),
    "el": "Γειά σου κόσμε μοντέλο εκπαίδευση".split(),
}
EMOJI = ["😀", "🎉", "👍", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🇩🇪", "🇯🇵", "🧑🏿‍🚀", "✨", "🔥", "🤖", "👋🏻",
         "🫠", "☕", "🙋‍♀️", "🏃🏾‍♂️"]
CODE = ["def f(x):\n    return x**2", "for (int i = 0; i < n; ++i) { a[i] += b[i]; }", "if x != None:\n\tpass",
        "std::vector<int32_t> ids;", "SELECT * FROM t WHERE id=42;", "x = {'a': [1, 2, 3]}  # comment",
        "#include <stdio.h>\r\nint main(){}", "    indented\n        more", "fn main() -> Result<(), E> {}"]
URLS = ["https://huggingface.co/Qwen/Qwen3-4B", "http://example.com/a?b=c&d=e#f", "ftp://x.y/z.tar.gz",
        "www.test.de/über", "mailto:someone@example.org"]
CONTRACTIONS = ["don't", "I'M", "you're", "We'VE", "she'll", "he'd", "it's", "IT'S", "they'Re", "'s", "'t",
                "can'T", "'ll", "O'Neil", "rock'n'roll", "'ſ", "aſ'ſ", "'Ll", "'D"]
COMBINING = ["e\u0301", "a\u0308", "o\u0302\u0323", "o\u0323\u0302", "A\u030a", "n\u0303", "\u1100\u1161\u11a8",
             "\u1112\u1161\u11ab", "c\u0327\u0301", "\u0915\u093c", "\u212b", "\u2126", "\u00c5", "\u0041\u0300\u0301",
             "\u0061\u0315\u0300\u05ae\u0301", "\u1e9b\u0323", "\u0344", "\uf900", "\u2fa1d"]
SPACES = [" ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\t\t ", "\u00a0", "\u3000", "\u2003", "\u0085",
          "\u2028", "\u200b", "\u202f", "\u000b", "\u000c", "\r", "    ", " \t\n "]
PUNCT = list(".,;:!?-()[]{}\"'/\\@#$%^&*_+=<>|~`") + ["...", "--", "—", "«", "»", "„", "“", "”", "¿", "¡", "。", "、",
                                                      "！", "？", "،", "।"]
SPECIAL = {
    "qwen2": ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
    "llama3": ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
}
# Non-special added tokens, with the flags that the C++ port must honour.
EXTRA = {
    "qwen2": [AddedToken("<think>", normalized=False, special=False),
              AddedToken("</think>", normalized=False, special=False),
              AddedToken("Straße", single_word=True, normalized=True, special=False),
              AddedToken("e\u0301clair", normalized=True, special=False)],  # NFC form is matched
    "llama3": [AddedToken("<tool_call>", lstrip=True, rstrip=True, normalized=False, special=False),
               AddedToken("foo bar", single_word=True, normalized=True, special=False),
               AddedToken("<|python_tag|>", lstrip=True, normalized=False, special=True)],
}
RANDOM_PLANES = [(0x20, 0x7F), (0xA0, 0x2FFF), (0x3000, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x1FFFF),
                 (0x20000, 0x2FFFF), (0x30000, 0x323AF), (0xE0000, 0xE01EF), (0xF0000, 0xF00FF)]


def word(rng: random.Random) -> str:
    lang = rng.choice(list(WORDS))
    w = rng.choice(WORDS[lang])
    r = rng.random()
    if r < 0.1:
        w = w.upper()
    elif r < 0.2:
        w = w.capitalize()
    return w


def number(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return str(rng.randrange(10 ** rng.randrange(1, 20)))
    if kind == 1:
        return f"{rng.uniform(-1e4, 1e4):.{rng.randrange(1, 6)}f}"
    if kind == 2:
        return f"{rng.randrange(10**7):,}"
    if kind == 3:
        return "".join(rng.choice("0123456789") for _ in range(rng.randrange(8, 30)))
    return rng.choice(["١٢٣", "१२३४", "①②", "Ⅻ", "½", "²³", "０１２３"])


def random_chars(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        lo, hi = rng.choice(RANDOM_PLANES)
        out.append(chr(rng.randrange(lo, hi + 1)))
    return "".join(out)


def piece(rng: random.Random, specials: list[str]) -> str:
    k = rng.random()
    if k < 0.40:
        return word(rng)
    if k < 0.48:
        return number(rng)
    if k < 0.54:
        return rng.choice(EMOJI) * rng.choice([1, 1, 1, 2])
    if k < 0.60:
        return rng.choice(PUNCT)
    if k < 0.66:
        return rng.choice(CONTRACTIONS)
    if k < 0.72:
        return rng.choice(COMBINING)
    if k < 0.77:
        return rng.choice(CODE)
    if k < 0.80:
        return rng.choice(URLS)
    if k < 0.88 and specials:
        return rng.choice(specials)
    if k < 0.94:
        return random_chars(rng, rng.randrange(1, 6))
    return rng.choice(SPACES)


def sentence(rng: random.Random, specials: list[str], max_pieces: int = 14) -> str:
    parts = []
    for _ in range(rng.randrange(1, max_pieces)):
        parts.append(piece(rng, specials))
        parts.append(rng.choice(SPACES) if rng.random() < 0.3 else (" " if rng.random() < 0.8 else ""))
    return "".join(parts)


def training_corpus() -> list[str]:
    rng = random.Random(1234)
    return [sentence(rng, [], 20) for _ in range(6000)]


def test_strings(added: list[str]) -> list[str]:
    rng = random.Random(98765)
    fixed = ["", " ", "  ", "\n", "\t", "\r\n", "a", "12345678901234", "1234567", "don't", "I'M", "'ſ",
             "Hello world", " Hello", "Hello ", "hello  world", "a\u0308", "\u00e4", "\u1100\u1161\u11a8"]
    fixed += ["".join(chr(c) for c in range(lo, lo + 16)) for lo in range(0, 0x100, 16)]
    fixed += [chr(c) for c in range(0, 0x250)]
    for a in added:
        fixed += [a, a + a, " " + a, a + " ", "x" + a + "y", " " + a + " ", "  " + a + "  ", "\n" + a + "\n",
                  "Hello" + a + "world", "Hello " + a + " world", a[:-1], a[1:]]
    out = list(fixed)
    while len(out) < 10240:
        k = rng.random()
        if k < 0.80:
            out.append(sentence(rng, added))
        elif k < 0.90:
            out.append(random_chars(rng, rng.randrange(1, 40)))
        elif k < 0.95:
            out.append("".join(rng.choice(SPACES) for _ in range(rng.randrange(1, 8))) + word(rng))
        else:
            out.append(number(rng) + rng.choice(["", " ", "\n"]) + number(rng))
    return out


def build_qwen2(corpus: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=3000, min_frequency=2, special_tokens=SPECIAL["qwen2"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.add_tokens(EXTRA["qwen2"])
    return tok


def build_llama3(corpus: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=3500, min_frequency=2, special_tokens=SPECIAL["llama3"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.add_tokens(EXTRA["llama3"])
    bos = "<|begin_of_text|>"
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single=f"{bos} $A", pair=f"{bos} $A {bos} $B:1",
                                      special_tokens=[(bos, tok.token_to_id(bos))])])
    return tok


def to_legacy_merges(tok: Tokenizer) -> str:
    """The same tokenizer with merges in the legacy "a b" string form (to_str() always writes pairs)."""
    spec = json.loads(tok.to_str())
    merges = spec["model"]["merges"]
    assert merges and all(isinstance(m, list) and " " not in m[0] + m[1] for m in merges)
    spec["model"]["merges"] = [f"{a} {b}" for a, b in merges]
    return json.dumps(spec, ensure_ascii=False, indent=1)


def to_gpt2(tok: Tokenizer) -> str:
    spec = json.loads(tok.to_str())
    spec["model"]["ignore_merges"] = False
    spec["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    spec["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                              "use_regex": True}
    return json.dumps(spec, ensure_ascii=False, indent=1)


def decode_cases(tok: Tokenizer, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    size = tok.get_vocab_size(with_added_tokens=True)
    cases = []
    for _ in range(n):
        ids = [rng.randrange(size + 3) if rng.random() < 0.97 else rng.randrange(256)
               for _ in range(rng.randrange(0, 12))]
        cases.append({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                      "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    return cases


def write_variant(out: Path, name: str, json_text: str, added: list[str], seed: int) -> dict:
    """Writes <name>/tokenizer.json and the cases HF tokenizers computes from that very file."""
    (out / name).mkdir(parents=True, exist_ok=True)
    (out / name / "tokenizer.json").write_text(json_text, encoding="utf-8")
    tok = Tokenizer.from_file(str(out / name / "tokenizer.json"))
    texts = test_strings(added)
    with open(out / f"{name}.cases.jsonl", "w", encoding="utf-8") as f:
        for text in texts:
            ids = tok.encode(text, add_special_tokens=False).ids
            ids_special = tok.encode(text, add_special_tokens=True).ids
            row = {"text": text, "ids": ids, "ids_special": ids_special,
                   "decoded": tok.decode(ids_special, skip_special_tokens=False),
                   "decoded_skip": tok.decode(ids_special, skip_special_tokens=True)}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(out / f"{name}.decode.jsonl", "w", encoding="utf-8") as f:
        for row in decode_cases(tok, 2000, seed):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"name": name, "path": f"{name}/tokenizer.json", "cases": f"{name}.cases.jsonl",
            "decode_cases": f"{name}.decode.jsonl", "count": len(texts),
            "vocab_size": tok.get_vocab_size(with_added_tokens=True)}


def build(out: Path) -> None:
    corpus = training_corpus()
    qwen2 = build_qwen2(corpus)
    llama3 = build_llama3(corpus)
    qwen_added = SPECIAL["qwen2"] + [t.content for t in EXTRA["qwen2"]] + ["\u00e9clair"]
    llama_added = SPECIAL["llama3"] + [t.content for t in EXTRA["llama3"]]
    legacy = to_legacy_merges(qwen2)
    assert isinstance(json.loads(legacy)["model"]["merges"][0], str)
    variants = [write_variant(out, "qwen2", qwen2.to_str(pretty=True), qwen_added, 11),
                write_variant(out, "qwen2_legacy", legacy, qwen_added, 12),
                write_variant(out, "llama3", llama3.to_str(pretty=True), llama_added, 13),
                write_variant(out, "gpt2", to_gpt2(llama3), llama_added, 14)]
    write_json(out / "index.json", {"variants": variants})
