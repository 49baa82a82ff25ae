"""Dockerfile / Containerfile parser with exact positions.

Follows BuildKit's Dockerfile frontend: parser directives (``# syntax=``, ``# escape=``,
``# check=``) only before anything else; line continuation with the escape character (``\\`` or
`````); comment and blank lines inside a continuation are dropped; heredocs (``<<EOF``, ``<<-EOF``,
quoted delimiters, several per instruction) on RUN/COPY/ADD; exec (JSON) form; flags before the
arguments (``--platform=…``, ``--from=…``, ``--mount=…``); stages with ``AS name``.

Every instruction keeps a Snippet of its argument text, so each word and flag has a file span.
Problems BuildKit would reject (unknown instruction, unterminated heredoc) are collected in
``model.problems`` and the rest of the file is still linted.
"""
from __future__ import annotations

import re
from ..model import Span
from ..platforms import PLATFORM_ARGS  # noqa: F401  (the one list; rules import it from here too)
from ..snippet import Snippet
from . import ParseError, SkipFile
from .varref import VarRefs

INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL "
    "STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_INSTRUCTIONS = frozenset(("RUN", "COPY", "ADD"))
FLAG_INSTRUCTIONS = frozenset(("FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"))
DIRECTIVES = ("syntax", "escape", "check")

#: ``# name = value``; the value is stripped in code (``(.*?)\s*$`` backtracked quadratically
#: on a directive followed by thousands of blanks)
_DIRECTIVE_RE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=(.*)$")
_HEREDOC_RE = re.compile(r"(?<!<)<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_.-]*)\2")


def _heredoc_marks(text: str):
    """The heredoc markers of an instruction's arguments as BuildKit finds them: words starting
    with ``<<`` (or a file descriptor and ``<<``) outside quotes (not slpcat's ``printf
    '...std::cout<<"HI"<<std::endl;'`` nor ``cat<<EOF``, one word).  Linear in the text."""
    i, n, quote, start = 0, len(text), "", True
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
            i += 1
            continue
        if c in " \t\r\n":
            start, i = True, i + 1
            continue
        j = i
        while start and j < n and text[j].isdigit():
            j += 1  # (a file descriptor: ``3<<EOF``)
        m = _HEREDOC_RE.match(text, j) if start and text.startswith("<<", j) else None
        if m is not None:
            yield m
            start, i = False, m.end()
            continue
        if c == "\\" and text.startswith(("\n", "\r\n"), i + 1):
            start, i = True, i + (3 if text[i + 1] == "\r" else 2)  # (a continued line: BuildKit joins it first)
            continue
        start = False
        if c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        i += 1


_VAR_RE = VarRefs("-+")  # $A, ${A}, ${A:-x}, ${A-x}, ${A:+x}, ${A+x}


class Word:
    __slots__ = ("text", "value", "_span", "start", "end", "_snip")

    def __init__(self, text: str, value: str, span: Span | None, start: int, end: int, snip=None):
        self.text = text  # raw, as written
        self.value = value  # quotes removed
        self._span = span
        self.start = start  # offset in the instruction's args snippet
        self.end = end
        self._snip = snip  # maps start/end to the file when the span is first asked for

    @property
    def span(self) -> Span:
        """The word's place in the file (computed when first needed: most words never are)."""
        sp = self._span
        if sp is None:
            sp = self._span = self._snip.span(self.start, self.end) if self._snip is not None else Span(0, 0, 0, 0)
        return sp

    @span.setter
    def span(self, value: Span) -> None:
        self._span = value

    def __repr__(self):
        return f"Word({self.value!r} at {self.span!r})"


class Flag:
    __slots__ = ("name", "value", "span", "value_span", "word")

    def __init__(self, name: str, value: str | None, span: Span, value_span: Span | None, word: Word):
        self.name = name
        self.value = value
        self.span = span  # the whole --name=value word
        self.value_span = value_span
        self.word = word

    def __repr__(self):
        return f"Flag(--{self.name}={self.value!r} at {self.span!r})"


class Heredoc:
    __slots__ = ("delimiter", "strip_tabs", "quoted", "body", "span")

    def __init__(self, delimiter: str, strip_tabs: bool, quoted: bool, body: Snippet, span: Span):
        self.delimiter = delimiter
        self.strip_tabs = strip_tabs
        self.quoted = quoted
        self.body = body  # the lines between the instruction and the terminator
        self.span = span  # the <<EOF marker


#: instructions whose arguments are split into words only when asked for
LAZY_WORDS = frozenset(("RUN",))


class Instruction:
    __slots__ = ("keyword", "keyword_span", "line", "end_line", "args", "flags", "_words", "exec_form",
                 "heredocs", "stage", "raw_keyword", "_words_at", "_escape")

    def __init__(self, keyword: str, keyword_span: Span, line: int, end_line: int, args: Snippet, raw_keyword: str = ""):
        self.keyword = keyword  # upper case
        self.keyword_span = keyword_span
        self.line = line
        self.end_line = end_line  # last line, heredoc bodies included
        self.args = args  # the argument text (everything after the keyword), continuation lines kept
        self.flags: list[Flag] = []
        self._words: list[Word] | None = []  # arguments after the flags (shell-form split)
        self._words_at = 0  # where they start in args.text (for the lazy split)
        self._escape = "\\"
        self.exec_form: list[str] | None = None
        self.heredocs: list[Heredoc] = []
        self.stage = -1  # index of the stage, -1 before the first FROM
        self.raw_keyword = raw_keyword

    def __repr__(self):
        return f"Instruction({self.keyword} lines {self.line}-{self.end_line})"

    @property
    def words(self) -> list[Word]:
        """The arguments after the flags, shell-form split.  For RUN (long shell scripts the
        shell parser reads instead) the split is made when first asked for."""
        words = self._words
        if words is None:
            words, _ = _split_words(self.args.text, 0, self._escape, self.args)
            words = self._words = [w for w in words if w.start >= self._words_at]
        return words

    @words.setter
    def words(self, value: list[Word]) -> None:
        self._words = value

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    @property
    def span(self) -> Span:
        return Span(self.keyword_span.line, self.keyword_span.col, self.end_line, 10**6)

    @property
    def text(self) -> str:
        """The argument text with continuations joined (what BuildKit hands the shell)."""
        return self.args.text


class Stage:
    __slots__ = ("index", "from_ins", "image", "name", "platform", "instructions")

    def __init__(self, index: int, from_ins: Instruction, image: Word | None, name: Word | None, platform: Flag | None):
        self.index = index
        self.from_ins = from_ins
        self.image = image
        self.name = name
        self.platform = platform
        self.instructions: list[Instruction] = []

    @property
    def name_value(self) -> str | None:
        return self.name.value.lower() if self.name else None

    def declared_args(self) -> dict[str, Instruction]:
        """ARG names declared in the stage (after its FROM), first declaration wins."""
        out: dict[str, Instruction] = {}
        for ins in self.instructions:
            if ins.keyword == "ARG":
                for name, _ in arg_pairs(ins):
                    out.setdefault(name, ins)
        return out


class DockerfileModel:
    __slots__ = ("directives", "escape", "instructions", "stages", "global_args", "problems", "_by_name", "_readers",
                 "memo")

    def __init__(self, directives, escape, instructions, stages, global_args, problems=None):
        self._by_name: dict[str, Stage] | None = None
        self._readers: dict[int, list] | None = None
        #: derived facts rules share, computed once per file (stage -> platform kind ...)
        self.memo: dict = {}
        self.directives: dict[str, tuple[str, int]] = directives
        self.escape: str = escape
        self.instructions: list[Instruction] = instructions
        self.stages: list[Stage] = stages
        self.global_args: dict[str, tuple[str | None, Instruction]] = global_args  # ARGs before the first FROM
        self.problems: list[ParseError] = problems if problems is not None else []

    def shell_snippets(self) -> list[Snippet]:
        out = []
        for ins in self.instructions:
            if ins.keyword != "RUN" or ins.exec_form is not None:
                continue
            if ins.heredocs and _only_heredoc_shell(ins):
                out.extend(h.body for h in ins.heredocs)
            else:
                out.append(shell_body(ins))
                out.extend(h.body for h in ins.heredocs if _heredoc_is_script(ins, h))
        return out

    def statement_range(self, line: int) -> tuple[int, int]:
        for ins in self.instructions:
            if ins.line <= line <= ins.end_line:
                return ins.line, ins.end_line
        return line, line

    def stage_by_name(self, name: str) -> Stage | None:
        if self._by_name is None:
            by_name: dict[str, Stage] = {}
            for st in self.stages:
                if st.name_value is not None:
                    by_name.setdefault(st.name_value, st)  # the first stage of a name
            self._by_name = by_name
        hit = self._by_name.get(name.lower())
        if hit is not None:
            return hit
        if name.isdigit() and int(name) < len(self.stages):
            return self.stages[int(name)]
        return None

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def copied_from(self) -> dict[int, list[Flag]]:
        """Stage index -> the ``COPY --from`` / ``RUN --mount=from=`` flags that read it."""
        return {i: [fl for _st, _ins, fl in rs] for i, rs in self.readers().items()}

    def readers(self) -> dict[int, list]:
        """Stage index -> (reading stage, instruction, flag) of each ``COPY --from`` / ``RUN
        --mount=from=`` that reads it; one pass over the file, kept."""
        if self._readers is not None:
            return self._readers
        out: dict[int, list] = {}
        for st in self.stages:
            for ins in st.instructions:
                for fl in ins.flags:
                    ref = None
                    if fl.name == "from" and ins.keyword in ("COPY", "ADD") and fl.value:
                        ref = fl.value
                    elif fl.name == "mount" and fl.value:
                        for part in fl.value.split(","):
                            k, _, v = part.partition("=")
                            if k.strip() == "from":
                                ref = v.strip()
                    if ref:
                        target = self.stage_by_name(ref)
                        if target is not None and target.index < st.index:
                            out.setdefault(target.index, []).append((st, ins, fl))
        # FROM <earlier stage> also makes that stage a base, not a builder
        self._readers = out
        return out

    def base_stage_of(self, stage: Stage) -> Stage | None:
        if stage.image is None:
            return None
        ref = self.stage_by_name(stage.image.value)
        return ref if ref is not None and ref.index < stage.index else None


def _only_heredoc_shell(ins: Instruction) -> bool:
    """``RUN <<EOF`` with nothing else: the heredoc body is the script."""
    text = ins.args.text
    marks = list(_heredoc_marks(text))
    rest = "".join(text[a:b] for a, b in zip([0] + [m.end() for m in marks], [m.start() for m in marks] + [len(text)]))
    rest = " ".join(w.text for w in _split_words(rest, 0, "\\")[0] if not w.text.startswith("--"))
    return not rest.strip()


def _heredoc_is_script(ins: Instruction, h: Heredoc) -> bool:
    """``RUN python3 <<EOF`` feeds the body to a program, ``RUN bash <<EOF`` to a shell."""
    first = ins.words[0].value if ins.words else ""
    return first.rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash", "zsh")


def shell_body(ins: Instruction) -> Snippet:
    """The RUN command text with flags (``--mount=…``) blanked out, positions kept."""
    snip = ins.args
    if not ins.flags:
        return snip
    text = list(snip.text)
    for f in ins.flags:
        for i in range(f.word.start, f.word.end):
            text[i] = " "
    return Snippet("".join(text), snip.origins, "RUN")


def arg_pairs(ins: Instruction) -> list[tuple[str, Word]]:
    """``ARG A B=1`` -> [("A", word), ("B", word)]."""
    out = []
    for w in ins.words:
        name = w.value.split("=", 1)[0]
        if name:
            out.append((name, w))
    return out


def arg_default(word: Word) -> str | None:
    if "=" not in word.value:
        return None
    return word.value.split("=", 1)[1]


# ---- lexing ------------------------------------------------------------------------------------


_WORD_RES: dict[str, re.Pattern] = {}


def _word_re(escape: str) -> re.Pattern:
    """One shell-form word: ordinary characters, ``<escape><char>`` (not a line break), quoted
    runs (an unterminated quote runs to the end)."""
    hit = _WORD_RES.get(escape)
    if hit is None:
        e = re.escape(escape)
        hit = _WORD_RES[escape] = re.compile(
            rf"(?:[^\s'\"{e}]+|{e}[^\n]|{e}\Z|\"(?:[^\"{e}]+|{e}[\s\S]|{e}\Z)*(?:\"|\Z)|'[^']*(?:'|\Z))+"
        )
    return hit


def _split_words(text: str, base: int, escape: str, snip=None, stop: bool = False) -> tuple[list[Word], None]:
    """Split shell-form text into words: whitespace separated, quotes kept together, the escape
    character followed by a newline is whitespace.  Word.start/end are offsets into text+base.
    With ``stop``, only the leading ``--flag`` words and the word after them."""
    words: list[Word] = []
    for m in _word_re(escape).finditer(text):
        if stop and words and not words[-1].text.startswith("--"):
            break
        raw = m.group(0)
        start, end = m.span()
        if "'" in raw or '"' in raw or escape in raw:
            value = _unquote(raw, escape)
        else:
            value = raw
        words.append(Word(raw, value, None, start + base, end + base, snip))
    return words, None


def _unquote(raw: str, escape: str) -> str:
    """The value of one word (quotes removed, escapes applied), as the builder reads it."""
    val: list[str] = []
    quote = None
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if quote:
            if c == quote:
                quote = None
            elif c == escape and quote == '"' and i + 1 < n and raw[i + 1] in ('"', escape):
                i += 1
                val.append(raw[i])
            else:
                val.append(c)
            i += 1
            continue
        if c == escape and i + 1 < n:
            val.append(raw[i + 1])
            i += 2
            continue
        if c in ("'", '"'):
            quote = c
            i += 1
            continue
        val.append(c)
        i += 1
    return "".join(val)


def parse(source) -> DockerfileModel:
    lines = source.lines
    n = len(lines)
    directives, escape, i = _read_directives(lines)
    instructions: list[Instruction] = []
    problems: list[ParseError] = []
    stages: list[Stage] = []
    global_args: dict[str, tuple[str | None, Instruction]] = {}

    while i < n:
        raw = lines[i]
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        ins, i = _read_instruction(lines, i, raw, stripped, escape, problems)
        if ins.keyword not in INSTRUCTIONS:
            kw_span = ins.keyword_span
            problems.append(ParseError(f"unknown instruction {ins.raw_keyword!r}", kw_span.line, kw_span.col))
            instructions.append(ins)
            continue
        _analyse_args(ins, escape)
        if "<<" in ins.args.text and (ins.keyword in HEREDOC_INSTRUCTIONS or ins.keyword == "ONBUILD"
                                      and ins.args.text.split(None, 1)[0].upper() in HEREDOC_INSTRUCTIONS):
            i = _read_heredocs(ins, lines, i, problems)  # (``ONBUILD RUN <<EOF``: stackable's rust builders)
        instructions.append(ins)
        _add_to_stages(ins, stages, global_args)

    if not stages and not problems:
        if instructions:  # (a fragment: instructions and no FROM, never built alone)
            first = instructions[0].keyword_span
            raise SkipFile("AL001", "no FROM instruction: a fragment that a script or a template puts after a FROM"
                           " (cat, envsubst), not built alone, not linted", first.line, first.col, group="AL001:fragment",
                           summary="{count} Dockerfiles have no FROM: fragments put together into one, not linted")
        problems.append(_no_stage())
    return DockerfileModel(directives, escape, instructions, stages, global_args, problems)


def _no_stage() -> ParseError:
    """What BuildKit says of a Dockerfile with nothing in it but blank lines, comments and parser directives."""
    return ParseError('the Dockerfile is empty; docker build rejects it ("the Dockerfile cannot be empty")', 1, 1)


def _read_directives(lines: list[str]) -> tuple[dict[str, tuple[str, int]], str, int]:
    """Parser directives: only at the very top, before any blank line, comment or instruction.
    Returns them, the escape character and the index of the first line after them."""
    n = len(lines)
    directives: dict[str, tuple[str, int]] = {}
    escape = "\\"
    i = 0
    while i < n:
        m = _DIRECTIVE_RE.match(lines[i])
        if not m or m.group(1).lower() not in DIRECTIVES or m.group(1).lower() in directives:
            break
        key, value = m.group(1).lower(), m.group(2).strip()
        directives[key] = (value, i + 1)
        if key == "escape":
            if value not in ("\\", "`"):
                raise ParseError(f"invalid escape directive {value!r} (allowed: \\ or `)", i + 1, 1)
            escape = value
        i += 1
    return directives, escape, i


def _read_instruction(lines: list[str], i: int, raw: str, stripped: str, escape: str,
                      problems: list[ParseError]) -> tuple[Instruction, int]:
    """The instruction starting on ``lines[i]`` (``raw``, ``stripped`` without its indent): its
    keyword and its logical line, continuations joined.  Returns it and the next line's index."""
    n = len(lines)
    indent = len(raw) - len(stripped)
    m = re.match(r"[A-Za-z]+", stripped)
    kw_len = m.end() if m else len(stripped.split()[0])
    raw_kw = stripped[:kw_len]
    keyword = raw_kw.upper()
    kw_span = Span(i + 1, indent + 1, i + 1, indent + 1 + max(1, kw_len))
    start_line = i + 1
    # collect the logical line: pieces of each physical line (text, line, col)
    pieces: list[tuple[str, int, int]] = []
    first_rest = raw[indent + kw_len :]
    col0 = indent + kw_len + 1
    piece, cont = _continues(first_rest, escape)
    pieces.append((piece, i + 1, col0))
    i += 1
    while cont:
        if i >= n:  # a continuation at the end of the file ends the instruction, as BuildKit reads it (kyuubi's)
            text, line_no, col = pieces[-1]
            pieces[-1] = (text[:-len(escape)], line_no, col)
            break
        line = lines[i]
        s = line.lstrip()
        if s.startswith("#") or not s:
            i += 1  # comment and empty lines inside a continuation are dropped
            continue
        piece, cont = _continues(line, escape)
        pieces.append((piece, i + 1, 1))
        i += 1
    args = Snippet.from_lines(pieces, keyword)
    return Instruction(keyword, kw_span, start_line, pieces[-1][1], args, raw_keyword=raw_kw), i


def _read_heredocs(ins: Instruction, lines: list[str], i: int, problems: list[ParseError]) -> int:
    """The bodies of the instruction's heredocs, one after the other from ``lines[i]`` on.
    Returns the index of the line after the last one (after its terminator, if any)."""
    n = len(lines)
    args = ins.args
    for hm in _heredoc_marks(args.text):
        if _inside_flag(ins, hm.start()):
            continue
        strip_tabs, quoted, delim = hm.group(1) == "-", bool(hm.group(2)), hm.group(3)
        body_lines: list[tuple[str, int, int]] = []
        found = False
        while i < n:
            line = lines[i]
            cmp = line.lstrip("\t") if strip_tabs else line
            if cmp == delim:
                found = True
                i += 1
                break
            if strip_tabs:
                stripped_tabs = len(line) - len(line.lstrip("\t"))
                body_lines.append((line[stripped_tabs:], i + 1, stripped_tabs + 1))
            else:
                body_lines.append((line, i + 1, 1))
            i += 1
        marker = args.span(hm.start(), hm.end())
        if not found:
            problems.append(
                ParseError(f"heredoc <<{delim} is not terminated (no line {delim!r})", marker.line, marker.col)
            )
        body = Snippet.from_lines(body_lines or [("", marker.line, marker.end_col)], "heredoc")
        ins.heredocs.append(Heredoc(delim, strip_tabs, quoted, body, marker))
        ins.end_line = max(ins.end_line, i)  # i: 1-based number of the last line consumed
    return i


def _add_to_stages(ins: Instruction, stages: list[Stage], global_args: dict) -> None:
    """A FROM starts a stage; anything else joins the current one (an ARG before the first FROM
    is a global ARG)."""
    keyword = ins.keyword
    if keyword == "FROM":
        st = _make_stage(ins, len(stages))
        stages.append(st)
    elif stages:
        stages[-1].instructions.append(ins)
    elif keyword == "ARG":
        for name, w in arg_pairs(ins):
            global_args[name] = (arg_default(w), ins)
    if stages:
        ins.stage = len(stages) - 1


def _continues(text: str, escape: str) -> tuple[str, bool]:
    """Say whether the line continues (ends with the escape character).  The text is kept as
    written: the shell parser reads backslash-newline itself and _split_words treats the escape
    character before a newline as blank, so every column stays the file's column."""
    r = text.rstrip()
    if r.endswith(escape):
        # an escaped escape (\\) at the end is not a continuation
        k = len(r) - len(r.rstrip(escape))
        if k % 2 == 1:
            return r, True
    return text, False


def _inside_flag(ins: Instruction, offset: int) -> bool:
    return any(f.word.start <= offset < f.word.end for f in ins.flags)


def _analyse_args(ins: Instruction, escape: str) -> None:
    snip = ins.args
    text = snip.text
    if ins.keyword in LAZY_WORDS:
        words, _ = _split_words(text, 0, escape, snip, stop=True)  # the flags and one word more
    else:
        words, _ = _split_words(text, 0, escape, snip)
    # flags
    k = 0
    if ins.keyword in FLAG_INSTRUCTIONS:
        while k < len(words) and words[k].text.startswith("--"):
            w = words[k]
            name, eq, value = w.value[2:].partition("=")
            value_span = None
            if eq:
                off = w.text.find("=") + 1
                value_span = snip.span(w.start + off, w.end)
            ins.flags.append(Flag(name.lower(), value if eq else None, w.span, value_span, w))
            k += 1
    if ins.keyword in LAZY_WORDS:
        ins._words = None
        ins._escape = escape
        ins._words_at = rest_start = words[k].start if k < len(words) else len(text)
    else:
        ins.words = words[k:]
        rest_start = ins.words[0].start if ins.words else len(text)
    if ins.keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"):
        rest = text[rest_start:].strip()
        if rest.startswith("["):
            ins.exec_form = exec_form(rest.replace(escape + "\n", ""))


# a JSON array of strings without escapes (nearly every real CMD/ENTRYPOINT): its values are the
# text between the quotes, so the json module (2 ms of start-up) is needed only for the others
_JSON_WS = r"[ \t\n\r]*"
_PLAIN_STRING = r'"[^"\\\x00-\x1f]*"'
_PLAIN_ARRAY = re.compile(
    rf"\[{_JSON_WS}(?:{_PLAIN_STRING}{_JSON_WS}(?:,{_JSON_WS}{_PLAIN_STRING}{_JSON_WS})*)?\]"
)
_PLAIN_VALUE = re.compile(r'"([^"\\\x00-\x1f]*)"')


def exec_form(text: str) -> list[str] | None:
    """The exec-form arguments (``["a", "b"]``) of an instruction, or None if ``text`` is not a
    JSON array of strings."""
    if _PLAIN_ARRAY.fullmatch(text):
        return _PLAIN_VALUE.findall(text)
    import json

    try:
        val = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        return None
    if isinstance(val, list) and all(isinstance(v, str) for v in val):
        return val
    return None


def _make_stage(ins: Instruction, index: int) -> Stage:
    image = ins.words[0] if ins.words else None
    name = None
    if len(ins.words) >= 3 and ins.words[1].value.lower() == "as":
        name = ins.words[2]
    return Stage(index, ins, image, name, ins.flag("platform"))


# ---- variable resolution ------------------------------------------------------------------------


def expand(text: str, env: dict[str, str | None]) -> tuple[str, bool]:
    """Expand $VAR / ${VAR} / ${VAR:-default} / ${VAR:+alt} with ``env``.  Returns the text and
    whether every variable was known (an unknown one stays as written)."""
    complete = True

    def sub(m: re.Match) -> str:
        nonlocal complete
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3)
        val = env.get(name)
        known = name in env and val is not None
        if op in (":-", "-"):
            if known and (val or op == "-"):
                return val
            if word is not None and "$" not in word:
                return word
        elif op in (":+", "+"):
            if known:
                return (word or "") if (val or op == "+") else ""
            if name in env:
                return ""
        elif known:
            return val
        complete = False
        return m.group(0)

    out = _VAR_RE.sub(sub, text)
    return out, complete


def uses_vars(text: str) -> list[tuple[str, int, int]]:
    """Variables referenced in text: (name, start, end)."""
    return [((m.group(1) or m.group(4)), m.start(), m.end()) for m in _VAR_RE.finditer(text)]


def uses_vars_with_defaults(text: str) -> list[tuple[str, int, int, str | None]]:
    """``uses_vars`` with the default each reference expands to when its name is unset
    (``${A:-x}``, ``${A-x}``: x), else None."""
    return [((m.group(1) or m.group(4)), m.start(), m.end(), m.group(3) if m.group(2) in ("-", ":-") else None)
            for m in _VAR_RE.finditer(text)]


def from_env(model: DockerfileModel) -> dict[str, str | None]:
    """What a FROM line can expand: global ARG defaults (BuildKit sets no platform ARG values
    statically, so those stay unknown)."""
    return {k: v for k, (v, _) in model.global_args.items()}


