"""frontmatter.py: strict YAML, tomllib TOML and Hexo JSON front matter, bounded and clean."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Hashable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

import frontmatter
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import laojia_feed.read.front_handler as handler_module
import laojia_feed.read.front_yaml as fm_module
from helpers import refused_by, warned
from laojia_feed.model import FieldError
from laojia_feed.read.decode import decode_text
from laojia_feed.read.frontmatter import (
    MAX_NODES,
    HexoJSONHandler,
    RawPost,
    StrictYAMLHandler,
    TomlHandler,
    split_post,
)

SEED = Path("/work/shared/corpus/seed-post.md")
TOO_BIG = "front matter too large or too deeply nested (alias expansion)"


def split(text: str) -> tuple[RawPost, list[str]]:
    return warned(split_post, text)


def refusal(text: str) -> FieldError:
    return refused_by(split_post, text)


# --- the seed post ------------------------------------------------------------------------


def test_seed_post() -> None:
    warnings: list[str] = []
    post = split_post(decode_text(SEED.read_bytes(), warnings.append), warnings.append)
    image = (
        "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2021/12/09/"
        "56648ad7536d888d18e91f3dc04772cc.jpeg"
    )
    assert warnings == []
    assert post.syntax == "yaml"
    assert post.meta["title"] == "老房加梯系列报道 _ 天目西路街道_加梯_楼的_五维_秘笈是什么？"
    assert post.meta["categories"] == ["新媒体", "趣头条", "分类"]
    assert post.meta["author"] == "趣头条"
    assert post.meta["comments"] == "false"
    assert post.meta["date"] == "Thu, 09 Dec 2021 03:10:27 GMT"
    assert post.meta["thumbnail"] == image
    assert post.meta["headimg"] == image
    assert post.body.startswith("<div>   \n<p>近期")
    assert post.body_line == 15
    assert SEED.read_text(encoding="utf-8").splitlines()[14].startswith("<div>")


# --- strict YAML --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("On", "On"),
        ("true", "true"),
        ("false", "false"),
        ("1.10", "1.10"),
        ("2021", "2021"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        (".inf", ".inf"),
        ("10:00", "10:00"),
        ("2021-12-09", "2021-12-09"),
        ("2021-12-09 10:00:00 +08:00", "2021-12-09 10:00:00 +08:00"),
        ("'yes'", "yes"),
        ('"1.10"', "1.10"),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("", None),
        ("[no, 1.10]", ["no", "1.10"]),
        ("{a: 1, b: off}", {"a": "1", "b": "off"}),
        ("=", "="),
    ],
)
def test_yaml_scalars_stay_the_text_the_author_typed(source: str, expected: object) -> None:
    post, warnings = split(f"---\nvalue: {source}\n---\nbody\n")
    assert post.meta == {"value": expected}
    assert warnings == []


def test_categories_no_and_1_10_stay_strings_in_block_lists() -> None:
    post, _ = split("---\ncategories:\n  - no\n  - 1.10\n  - 2021\n---\n")
    assert post.meta["categories"] == ["no", "1.10", "2021"]


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for tag in ("!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"):
        args = f"['touch {marker}']" if "os." in tag else f"[['touch', '{marker}']]"
        error = refusal(f"---\ntitle: x\nevil: {tag} {args}\n---\nbody\n")
        assert str(error).startswith("invalid YAML at line 3: the tag !!python/object/apply:")
        assert "is not allowed" in str(error)
        assert error.__cause__ is not None
    assert "!!python/name:os.system" in str(refusal("---\na: !!python/name:os.system ''\n---\n"))
    assert not marker.exists()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!!binary aGVsbG8=", "aGVsbG8="),
        ("!!timestamp 2021-12-09", "2021-12-09"),
        ("!!int 12", "12"),
        ("!!int twelve", "twelve"),
        ("!!float .nan", ".nan"),
        ("!!bool maybe", "maybe"),
        ("!!str 12", "12"),
        ("!!null whatever", None),
        ("!!set {a, b}", {"a": None, "b": None}),
        ("!!omap [a: 1, b: 2]", [{"a": "1"}, {"b": "2"}]),
        ("!!pairs [a: 1, a: 2]", [{"a": "1"}, {"a": "2"}]),
        ("!foo bar", "bar"),
        ("!foo [1, 2]", ["1", "2"]),
        ("!<tag:example.com,2024:x> {k: v}", {"k": "v"}),
    ],
)
def test_explicit_tags_are_read_as_untagged(source: str, expected: object) -> None:
    post, _ = split(f"---\nvalue: {source}\n---\n")
    assert post.meta == {"value": expected}


def test_merge_keys_are_plain_keys() -> None:
    post, _ = split("---\nbase: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n---\n")
    assert post.meta["item"] == {"<<": {"x": "1"}, "y": "2"}


def test_aliases_are_expanded_into_plain_data() -> None:
    post, _ = split("---\ntags: &t [a, b]\ncategories: *t\n---\n")
    assert post.meta == {"tags": ["a", "b"], "categories": ["a", "b"]}
    assert json.loads(json.dumps(dict(post.meta))) == dict(post.meta)


def billion_laughs(levels: int, width: int) -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


@pytest.mark.parametrize(("levels", "width"), [(9, 10), (30, 2), (4, 100)])
def test_alias_bombs_are_refused(levels: int, width: int) -> None:
    assert str(refusal(billion_laughs(levels, width))) == TOO_BIG


def test_a_small_alias_tree_is_fine() -> None:
    post, _ = split(billion_laughs(3, 10))
    assert post.meta["a3"] == [[["lol"] * 10] * 10] * 10


@pytest.mark.parametrize(
    "source",
    ["a: &a [*a]", "a: &a {x: *a}", "a: &a [1, [2, {b: *a}]]", "&a {x: [*a]}"],
)
def test_self_referencing_aliases_are_refused(source: str) -> None:
    assert str(refusal(f"---\n{source}\n---\n")) == TOO_BIG


@pytest.mark.parametrize(
    "front",
    [
        "a: " + "[" * 100_000 + "]" * 100_000,  # libyaml's C composer would crash on this
        "a: " + "{a: " * 60_000 + "}" * 60_000,
        "a:\n" + "- " * 60_000 + "x",
        "a: " + "[" * 60,
        "a: " + "[" * 51 + "]" * 51,
    ],
)
def test_deep_yaml_nesting_is_refused_without_crashing(front: str) -> None:
    error = refusal(f"---\n{front}\n---\n")
    assert str(error) == TOO_BIG or str(error).startswith("invalid YAML")


def test_nesting_up_to_the_limit_is_fine() -> None:
    post, _ = split("---\na: " + "[" * 40 + "x" + "]" * 40 + "\n---\n")
    value: object = post.meta["a"]
    for _ in range(40):
        assert isinstance(value, list)
        value = value[0]
    assert value == "x"


def test_too_many_values_are_refused() -> None:
    items = "\n".join(f"- {i}" for i in range(MAX_NODES + 1))
    assert str(refusal(f"---\ntags:\n{items}\n---\n")) == TOO_BIG


def test_front_matter_over_a_megabyte_is_refused() -> None:
    message = str(refusal("---\ntitle: " + "x" * 1_100_000 + "\n---\nbody\n"))
    assert message.startswith("front matter too large (1,100,")


def test_duplicate_keys_are_warned_and_the_last_wins() -> None:
    post, warnings = split("\n---\ntitle: one\ntags: [a]\ntitle: two\n---\n")
    assert post.meta["title"] == "two"
    assert warnings == ['duplicate key "title" at line 5; the last value is used']


def test_non_string_keys_are_stringified() -> None:
    post, _ = split("---\n1: one\n2021-12-09: day\n~: nothing\ntrue: yes\n---\n")
    assert post.meta == {"1": "one", "2021-12-09": "day", "null": "nothing", "true": "yes"}


@pytest.mark.parametrize("source", ["? [a, b]\n: x", "? {a: b}\n: x", "[a]: x"])
def test_collection_keys_are_refused(source: str) -> None:
    message = str(refusal(f"---\n{source}\n---\n"))
    assert message.startswith("invalid YAML at line")


# --- fences, blank lines, bodies ----------------------------------------------------------


def test_leading_blank_lines_and_a_bom_character_are_skipped() -> None:
    post, _ = split("\ufeff\n  \n\t\n---\ntitle: x\n---\nbody\n")
    assert post.meta == {"title": "x"}
    assert post.body == "body\n"
    assert post.body_line == 7


def test_body_keeps_its_first_line_indentation_and_the_rest_verbatim() -> None:
    post, _ = split("---\ntitle: x\n---\n\n  \n    code\n---\nmore\n\n")
    assert post.body == "    code\n---\nmore\n\n"
    assert post.body_line == 6


def test_empty_body_and_empty_front_matter() -> None:
    post, _ = split("---\n---")
    assert post == RawPost(meta={}, body="", syntax="yaml", body_line=2)


def test_jekyll_dots_close_yaml() -> None:
    post, _ = split("---\ntitle: x\n...\nbody")
    assert (post.meta, post.body, post.body_line) == ({"title": "x"}, "body", 4)


def test_crlf_files_work_after_decoding() -> None:
    raw = b"\r\n---\r\ntitle: x\r\ntags:\r\n  - a\r\n---\r\n\r\nline one\r\nline two\r\n"
    post, _ = split(decode_text(raw, lambda message: None))
    assert post.meta == {"title": "x", "tags": ["a"]}
    assert post.body == "line one\nline two\n"
    assert post.body_line == 8


def test_fence_lines_may_have_trailing_spaces_and_cr() -> None:
    post, _ = split("--- \ntitle: x\r\n---\t\r\nbody")
    assert post.meta == {"title": "x"}
    assert post.body == "body"


@pytest.mark.parametrize(
    "text",
    ["hello\n", "# Title\n\n---\ntitle: x\n---\n", "  ---\ntitle: x\n---\n", "{% raw %}\n", ""],
)
def test_no_front_matter(text: str) -> None:
    assert str(refusal(text)) == "no front matter: expected ---, +++ or ;;; at the top"


@pytest.mark.parametrize(
    ("text", "fence"),
    [
        ("---\ntitle: x\n\nbody\n", "---"),
        ("---", "---"),
        ("+++\ntitle = 'x'\n", "+++"),
        (';;;\n"title": "x"\n', ";;;"),
    ],
)
def test_an_opening_fence_without_a_closing_one(text: str, fence: str) -> None:
    assert str(refusal(text)) == f"the opening {fence} has no closing {fence}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\n- a\n- b\n---\n", "front matter is a list; expected key: value pairs"),
        ("---\njust text\n---\n", "front matter is a text value; expected key: value pairs"),
        (";;;\n[1, 2]\n;;;\n", "front matter is a list; expected key: value pairs"),
    ],
)
def test_front_matter_must_be_a_mapping(text: str, message: str) -> None:
    assert str(refusal(text)) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "\n---\ntitle: x\ntags: [a\ndate: 1\n---\n",
            "invalid YAML at line 5: while parsing a flow sequence: "
            "did not find expected ',' or ']'",
        ),
        ("---\ntitle: x\n  bad: indent\n---\n", "invalid YAML at line 3: "),
        ("---\ntitle: 'open\n---\n", "invalid YAML at line 3: "),
        ("\n+++\ntitle = 'x'\ndate =\n+++\n", "invalid TOML at line 4: Invalid value"),
        ("+++\na = 1\na = 2\n+++\n", "invalid TOML at line 3: "),
        (
            ';;;\n{\n"title": "x",\n}\n;;;\n',
            "invalid JSON at line 4: Expecting property name enclosed in double quotes",
        ),
        ('"title": "x"\n"date": "y"\n;;;\n', "invalid JSON at line 2: Expecting ',' delimiter"),
        ('{\n"title": NaN\n}\n', "invalid JSON: NaN is not valid JSON"),
        ('{\n"title": \n', "invalid JSON at line 3: Expecting value"),
        (
            "---\ntitle: 中文\nx: a\x7fb\n---\n",
            "invalid YAML at line 3: control characters are not allowed (character #x007f)",
        ),
    ],
)
def test_parse_errors_name_the_file_line_and_keep_the_cause(text: str, message: str) -> None:
    error = refusal(text)
    assert str(error).startswith(message)
    assert error.__cause__ is not None


# --- TOML ---------------------------------------------------------------------------------


def test_toml_with_native_dates() -> None:
    text = (
        "+++\ntitle = '老家'\ndate = 2021-12-09T10:00:00+08:00\nlocal = 2021-12-09T10:00:00\n"
        "day = 2021-12-09\nat = 10:30:00\ndraft = false\nweight = 3\nratio = 1.5\n"
        "tags = ['a', 'b']\n[params]\nx = 1\n+++\n\nbody\n"
    )
    post, warnings = split(text)
    assert post.syntax == "toml"
    assert post.meta == {
        "title": "老家",
        "date": datetime(2021, 12, 9, 10, tzinfo=timezone(timedelta(hours=8))),
        "local": datetime(2021, 12, 9, 10),
        "day": date(2021, 12, 9),
        "at": time(10, 30),
        "draft": False,
        "weight": 3,
        "ratio": 1.5,
        "tags": ["a", "b"],
        "params": {"x": 1},
    }
    assert (post.body, post.body_line, warnings) == ("body\n", 15, [])


def test_toml_nan_and_infinity_become_text_with_a_warning() -> None:
    post, warnings = split("+++\na = nan\nb = -inf\n+++\n")
    assert post.meta == {"a": "nan", "b": "-inf"}
    assert warnings == ["kept 2 NaN/infinite numbers as text"]


def test_deep_toml_and_json_are_refused() -> None:
    assert str(refusal("+++\na = " + "[" * 100_000 + "\n+++\n")) == TOO_BIG
    assert str(refusal(';;;\n{"a": ' + "[" * 100_000 + "\n;;;\n")) == TOO_BIG
    assert str(refusal("+++\na = " + "[" * 60 + "]" * 60 + "\n+++\n")) == TOO_BIG


# --- Hexo and Hugo JSON -------------------------------------------------------------------

HEXO_META = {"title": "x", "date": "2013/7/13 20:46:25", "tags": ["a", "b"]}
HEXO_FIELDS = '"title": "x",\n"date": "2013/7/13 20:46:25",\n"tags": ["a", "b"]'


@pytest.mark.parametrize(
    ("text", "body_line"),
    [
        (HEXO_FIELDS + "\n;;;\n\nbody\n", 6),
        ("{\n" + HEXO_FIELDS + "\n}\n;;;\n\nbody\n", 8),
        (";;;\n" + HEXO_FIELDS + "\n;;;\nbody\n", 6),
        (";;;\n{\n" + HEXO_FIELDS + "\n}\n;;;\n\nbody\n", 9),
        ("\n{\n" + HEXO_FIELDS + "\n}\n\nbody\n", 8),
        ("{" + HEXO_FIELDS.replace("\n", " ") + "}\nbody\n", 2),
    ],
    ids=["hexo", "hexo-braces", "opening", "opening-braces", "hugo", "hugo-one-line"],
)
def test_json_front_matter_shapes(text: str, body_line: int) -> None:
    post, warnings = split(text)
    assert (post.meta, post.syntax, warnings) == (HEXO_META, "json", [])
    assert post.body == "body\n"
    assert post.body_line == body_line


def test_hexo_json_with_a_body_holding_semicolons_and_dashes() -> None:
    post, _ = split('"title": "x"\n;;;\n---\n;;;\n')
    assert post.meta == {"title": "x"}
    assert post.body == "---\n;;;\n"


def test_json_duplicates_are_warned() -> None:
    post, warnings = split('"title": "a",\n"title": "b"\n;;;\n')
    assert post.meta == {"title": "b"}
    assert warnings == ['duplicate key "title"; the last value is used']


def test_lone_surrogates_and_controls_in_values_are_removed_with_one_warning() -> None:
    post, warnings = split(
        '{"title": "a\\ud83db", "emoji": "\\ud83d\\ude00", "x\\u0001": ["\\u0000c"]}\n;;;\n'
    )
    assert post.meta == {"title": "ab", "emoji": "😀", "x": ["c"]}
    removed = "removed 1 character that XML forbids (control characters)"
    # named by the key whose value held them; a key's own name counts for the front matter
    assert sorted(warnings) == [f"front matter: {removed}", f"title: {removed}", f"x: {removed}"]


def test_forbidden_characters_in_yaml_text_are_removed_too() -> None:
    post, warnings = split('---\ntitle: "a\\x01b"\nauthor: c\x02d\ud800\n---\n')
    assert post.meta == {"title": "ab", "author": "cd"}
    assert warnings == [
        "title: removed 1 character that XML forbids (control characters)",
        "author: removed 2 characters that XML forbids (control characters)",
    ]


# --- python-frontmatter handler API -------------------------------------------------------


def test_handlers_plug_into_python_frontmatter() -> None:
    text = "\n---\ntitle: x\ncomments: false\n---\nbody\n"
    metadata, content = frontmatter.parse(text, handler=StrictYAMLHandler())
    assert (metadata, content) == ({"title": "x", "comments": "false"}, "body")
    assert StrictYAMLHandler().detect(text)
    assert not TomlHandler().detect(text)
    assert TomlHandler().split("+++\na = 1\n+++\n\nbody") == ("a = 1\n", "body")
    assert HexoJSONHandler().detect('"title": "x"\n;;;\n')
    assert HexoJSONHandler().load('"title": "x"') == {"title": "x"}
    post = frontmatter.Post("body", handler=HexoJSONHandler(), title="x")
    assert split(frontmatter.dumps(post))[0].meta == {"title": "x"}
    post = frontmatter.Post("body", handler=StrictYAMLHandler(), title="no")
    assert split(frontmatter.dumps(post))[0].meta == {"title": "no"}


# --- anything in, FieldError or a clean RawPost out ---------------------------------------


def assert_clean(post: RawPost) -> None:
    assert post.syntax in {"yaml", "toml", "json"}
    assert post.body_line >= 1
    assert all(isinstance(key, str) for key in post.meta)


fronts = st.sampled_from(["---\n", "+++\n", ";;;\n", "", "{", '"', "\n---\n"])
closers = st.sampled_from(["\n---\n", "\n+++\n", "\n;;;\n", "\n...\n", ""])
yamlish = st.text(st.sampled_from([*list("ab:-[]{}&*!?,'\"\\ \n#|>~%@`"), "\t", "é", "\x01"]))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_random_text_gives_raw_post_or_field_error(text: str) -> None:
    with contextlib.suppress(FieldError):
        assert_clean(split_post(text, lambda message: None))


@settings(max_examples=200, deadline=None)
@given(fronts, yamlish, closers, st.text(max_size=20))
def test_random_front_matter_gives_raw_post_or_field_error(
    opening: str, front: str, closing: str, body: str
) -> None:
    with contextlib.suppress(FieldError):
        assert_clean(split_post(opening + front + closing + body, lambda message: None))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_through_decode_and_split(data: bytes) -> None:
    try:
        text = decode_text(b"---\n" + data, lambda message: None)
        assert_clean(split_post(text, lambda message: None))
    except FieldError:
        pass


def test_yaml_global_resolver_tables_are_untouched() -> None:
    assert yaml.load("a: no\nb: 1.10", Loader=yaml.SafeLoader) == {"a": False, "b": 1.1}
    assert yaml.load("a: no", Loader=yaml.CSafeLoader) == {"a": False}


# --- the fast strict-YAML constructor against PyYAML's --------------------------------------


class _ReferenceLoader(fm_module._StrictLoader):
    """The strict loader with PyYAML's own constructors and tag resolution, as the handler
    used them before :func:`laojia_feed.read.front_yaml._construct_strict` and the one-step
    ``resolve`` replaced them: the reference."""

    yaml_constructors: ClassVar[dict[str | None, Any]] = {}
    yaml_multi_constructors: ClassVar[dict[str | None, Any]] = {}
    resolve = yaml.resolver.BaseResolver.resolve

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        """A mapping from its pairs, as PyYAML does, without merge keys, noting repeats."""
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark
            )
        mapping: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a list or mapping used as a key",
                    key_node.start_mark,
                )
            if key in mapping:
                self.duplicates.append((str(key), key_node.start_mark.line))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _construct_untagged(loader: _ReferenceLoader, node: yaml.Node) -> Any:
    """Read a node with an unusual tag as if it had none: text, list or mapping."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_yaml_seq(node)
    return loader.construct_yaml_map(node)


def _refuse_python_tag(loader: _ReferenceLoader, suffix: str, node: yaml.Node) -> Any:
    """``!!python/...`` tags ask to run code: never."""
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag !!python/{suffix} is not allowed", node.start_mark
    )


for _tag in ("null", "str", "seq", "map"):
    _ReferenceLoader.add_constructor(
        "tag:yaml.org,2002:" + _tag, yaml.SafeLoader.yaml_constructors["tag:yaml.org,2002:" + _tag]
    )
_ReferenceLoader.add_constructor(None, _construct_untagged)
_ReferenceLoader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_python_tag)


class _ReferenceYAMLHandler(StrictYAMLHandler):
    """The strict YAML handler as it was: PyYAML's own constructor (:class:`_ReferenceLoader`)."""

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        loader = _ReferenceLoader(front)
        try:
            with handler_module.wrap_errors(
                lambda exc, line: fm_module._yaml_error(exc, line, front), first_line
            ):
                if sum(front.count(c) for c in "[{-?:") > fm_module._SHALLOW_YAML_BOUND:
                    fm_module._check_yaml_depth(front)
                data = loader.get_single_data()
        finally:
            loader.dispose()
        for key, line in loader.duplicates:
            duplicates.append(
                f'duplicate key "{key}" at line {first_line + line}; the last value is used'
            )
        return data


def _outcome(handler: StrictYAMLHandler, front: str) -> tuple[str, object, list[str]]:
    """What loading ``front`` gives: ("ok", data, warnings) or ("error", message, warnings)."""
    messages: list[str] = []
    try:
        data = handler.load(front, first_line=3, warn=messages.append)
    except FieldError as exc:
        return "error", str(exc), messages
    return "ok", data, messages


def _shape(value: object, seen: dict[int, int] | None = None) -> object:
    """``value`` with each list/dict numbered by first visit: shows sharing and cycles."""
    seen = {} if seen is None else seen
    if isinstance(value, list | dict):
        if id(value) in seen:
            return ("ref", seen[id(value)])
        seen[id(value)] = len(seen)
        if isinstance(value, list):
            return ("list", seen[id(value)], [_shape(item, seen) for item in value])
        items = [(_shape(k, seen), _shape(v, seen)) for k, v in value.items()]
        return ("dict", seen[id(value)], items)
    return (type(value).__name__, value)


def _raw_outcome(front: str, fast: bool) -> tuple[str, object, object]:
    """The parsed data (before cleaning) and duplicates, or the error, of one constructor."""
    loader = (fm_module._StrictLoader if fast else _ReferenceLoader)(front)
    try:
        if fast:
            node = loader.get_single_node()
            data = None if node is None else fm_module._construct_strict(node, loader.duplicates)
        else:
            data = loader.get_single_data()
    except yaml.YAMLError as exc:
        return "error", type(exc).__name__, fm_module._yaml_error(exc, 1, front)
    except RecursionError:
        return "error", "RecursionError", ""
    finally:
        loader.dispose()
    return "ok", _shape(data), loader.duplicates


_YAML_TOKENS = [
    "a", "b", "key", "null", "~", "Null", "", "no", "1.10", "2021-12-09", "10:00", "é", "标题",
    ":", ": ", "- ", "\n", "  ", "\t", "? ", "<<: ", "#c", "---", "...", "|\n  x", ">\n  y",
    "&x ", "*x", "&y ", "*y", "!!str ", "!!null ", "!!seq ", "!!map ", "!!int ", "!!binary ",
    "!!set ", "!foo ", "! ", "!!python/name:os.system ", "!!python/object:x ", "!<tag:x> ",
    "[", "]", "{", "}", ", ", "'q'", '"d\\x01"', '"\\u0000"', "\x01", "%YAML 1.1\n",
]  # fmt: skip

_yaml_ish = st.lists(st.sampled_from(_YAML_TOKENS), max_size=40).map("".join)
_KEYS = st.sampled_from(["a", "b", "c", "~", "null", "'a'", "? [x]", "!!str a", "*x", "&x a"])
_VALUES = st.sampled_from(
    ["1", "null", "", "*x", "*y", "&x [1, *x]", "&y {a: *x}", "!!map [1]", "!!seq {a: 1}",
     "!!str [1]", "!!null {}", "!!null ~", "!!python/tuple []", "!foo {a: 1}", "!!binary abc",
     "[a, [b, {c: d}]]", "{a: 1, a: 2}", "&x {k: v, k: w}", '"x\\ty"', "'it''s'"]
)  # fmt: skip
_line = st.tuples(st.sampled_from(["", "  ", "- "]), _KEYS, _VALUES).map(
    lambda p: f"{p[0]}{p[1]}: {p[2]}"
)
_mapping_ish = st.lists(_line, max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_yaml_ish, _mapping_ish))
def test_fast_yaml_constructor_matches_pyyaml(front: str) -> None:
    assert _raw_outcome(front, fast=True) == _raw_outcome(front, fast=False)
    assert _outcome(StrictYAMLHandler(), front) == _outcome(_ReferenceYAMLHandler(), front)


@pytest.mark.parametrize(
    "front",
    [
        "a: &x [1, *x]",
        "a: &x {b: *x}",
        "a: &x [1]\nb: *x\nc: [*x, *x]",
        "a: {b: 1, b: 2}\na: {c: 1, c: 2}\nd: [{e: 1, e: 2}]",
        "a: !!map [1]\nb: !!python/name:x ''",
        "a: !!seq {b: 1}\nb: !!str [1]",
        "a: [!!str [1]]\nb: !!python/name:x ''",
        "? [x]\n: 1",
        "&x a: *x",
        "a: !!null",
        "a: ! null\nb: !!str null\nc: 'null'\nd: null\ne:\nf: Null\ng: NULL\nh: ~\ni: nul",
        "a: 1\n---\nb: 2",
        "a: *nowhere",
        "- a\n- b",
        "!!python/object/apply:os.system [ls]",
    ],
)
def test_fast_yaml_constructor_matches_pyyaml_on_edge_cases(front: str) -> None:
    assert _raw_outcome(front, fast=True) == _raw_outcome(front, fast=False)
    assert _outcome(StrictYAMLHandler(), front) == _outcome(_ReferenceYAMLHandler(), front)


def test_fast_yaml_constructor_shares_aliased_containers() -> None:
    loader = fm_module._StrictLoader("a: &x [1]\nb: *x\nc: &y {k: *y}")
    node = loader.get_single_node()
    loader.dispose()
    assert node is not None
    data = fm_module._construct_strict(node, [])
    assert isinstance(data, dict)
    assert data["a"] is data["b"]
    assert data["c"]["k"] is data["c"]


# --- front matter without its opening --- (hexo-admin writes it, Hexo reads it; #11) -------

UNOPENED = "no opening --- line"


@pytest.mark.parametrize(
    "text",
    [
        "title: 你好\ndate: 2019-08-29 15:43:00\n---\n正文",
        "\ufefftitle: 你好\ndate: 2019-08-29 15:43:00\n---\n\n正文",
        "\n\ntitle: 你好\ndate: 2019-08-29 15:43:00\ntags:\n- 随笔\n-----\n正文",
    ],
)
def test_front_matter_without_its_opening_fence_is_read_as_hexo_does(text: str) -> None:
    post, warnings = split(text)
    assert post.meta["title"] == "你好"
    assert post.meta["date"] == "2019-08-29 15:43:00"
    assert post.body == "正文"
    assert post.syntax == "yaml"
    assert len(warnings) == 1
    assert UNOPENED in warnings[0]


def test_unopened_front_matter_keeps_line_numbers_and_warnings() -> None:
    post, warnings = split("title: a\ntitle: b\n---\nbody")
    assert post.meta["title"] == "b"
    assert post.body_line == 4
    assert UNOPENED in warnings[0]
    assert 'duplicate key "title" at line 2' in warnings[1]


@pytest.mark.parametrize(
    "text",
    [
        "Just a paragraph of prose.\n---\nMore prose.",
        "A Setext heading\n---\n",
        "- a list\n- of items\n---\n",
        "title: [unclosed\n---\nbody",
        "plain text without any fence",
        "\n\n---",
    ],
)
def test_text_before_a_dash_line_that_is_not_a_mapping_is_still_refused(text: str) -> None:
    messages: list[str] = []
    with pytest.raises(FieldError, match=r"no front matter|has no closing"):
        split_post(text, messages.append)
    assert messages == []
