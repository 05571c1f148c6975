"""discover.py: the walk finds regular files only, never follows links, never blocks."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import within
from laojia_feed.model import Exclusion, FieldError, Severity
from laojia_feed.read.discover import Discovery, Found, OpenFolders, discover, read_post_bytes

PATTERNS = ("*.md", "*.markdown", "*.html", "*.htm")
MIB = 1024 * 1024


def write(path: Path, text: str = "---\ntitle: x\n---\nbody\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def relpaths(found: Discovery) -> list[str]:
    return [f.relpath for f in found.files]


def warnings_by_path(found: Discovery) -> dict[str, str]:
    assert all(d.severity is Severity.WARNING and d.field == "file" for d in found.diagnostics)
    return {d.path: d.message for d in found.diagnostics}


def excluded_paths(found: Discovery) -> list[str]:
    assert all(e.reason is Exclusion.NOT_A_POST for e in found.excluded)
    return [e.path for e in found.excluded]


def chmod_is_effective(folder: Path) -> bool:
    """False when running with permission-bypassing privileges (root in a container)."""
    probe = folder / "probe-unreadable"
    probe.mkdir()
    probe.chmod(0)
    try:
        os.listdir(probe)
    except PermissionError:
        return True
    else:
        return False
    finally:
        probe.chmod(0o755)
        probe.rmdir()


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    root = tmp_path / "posts"
    root.mkdir()
    return root


# --- the walk ----------------------------------------------------------------------------


def test_nested_tree_sorted_and_absolute(posts: Path) -> None:
    for rel in ("b.md", "a/z.html", "a/b/c/deep.markdown", "中文/文章.md", "a-b.md", "A.md"):
        write(posts / rel)
    write(posts / "image.png", "not a post")
    write(posts / "a/notes.txt", "not a post")

    found = discover(posts, PATTERNS)

    assert relpaths(found) == sorted(
        ["b.md", "a/z.html", "a/b/c/deep.markdown", "中文/文章.md", "a-b.md", "A.md"]
    )
    assert found.excluded == ()
    assert found.diagnostics == ()
    for f in found.files:
        assert f.path.is_absolute()
        assert f.path == posts.resolve() / f.relpath
        assert not f.draft


def test_patterns_match_names_case_insensitively(posts: Path) -> None:
    for rel in ("x.MD", "y.Md", "z.md", "w.mdx", "sub/q.HTM", "md", "notes.md.bak"):
        write(posts / rel)
    assert relpaths(discover(posts, ["*.md"])) == ["x.MD", "y.Md", "z.md"]
    assert relpaths(discover(posts, ["*.htm", "?.md"])) == ["sub/q.HTM", "x.MD", "y.Md", "z.md"]
    assert relpaths(discover(posts, "*.mdx")) == ["w.mdx"]  # one pattern as a string
    assert relpaths(discover(posts, [])) == []


def test_patterns_must_be_name_globs(posts: Path) -> None:
    with pytest.raises(FieldError, match="file names only"):
        discover(posts, ["posts/*.md"])
    with pytest.raises(FieldError, match="must be text"):
        discover(posts, [3])  # type: ignore[list-item]
    with pytest.raises(FieldError, match="list of globs"):
        discover(posts, 3)  # type: ignore[arg-type]


def test_drafts_at_any_depth(posts: Path) -> None:
    write(posts / "_drafts/top.md")
    write(posts / "2021/_drafts/deep/inner.md")
    write(posts / "2021/published.md")
    write(posts / "2021/_drafts_not/other.md")

    found = discover(posts, PATTERNS)

    drafts = {f.relpath: f.draft for f in found.files}
    assert drafts == {
        "_drafts/top.md": True,
        "2021/_drafts/deep/inner.md": True,
        "2021/published.md": False,
        "2021/_drafts_not/other.md": False,
    }


def test_hidden_entries_and_node_modules_skipped_silently(posts: Path) -> None:
    write(posts / ".git/objects/x.md")
    write(posts / ".hidden.md")
    write(posts / "a/.cache/y.md")
    write(posts / "node_modules/pkg/README.md")
    write(posts / "a/node_modules/README.md")
    write(posts / "a/visible.md")

    found = discover(posts, PATTERNS)

    assert relpaths(found) == ["a/visible.md"]
    assert found.excluded == ()
    assert found.diagnostics == ()


def test_root_errors(tmp_path: Path) -> None:
    with pytest.raises(FieldError, match="does not exist"):
        discover(tmp_path / "missing", PATTERNS)
    with pytest.raises(FieldError, match="not a folder"):
        discover(write(tmp_path / "file.md"), PATTERNS)
    with pytest.raises(FieldError, match="must be a path"):
        discover(42, PATTERNS)  # type: ignore[arg-type]
    with pytest.raises(FieldError):
        discover(Path("bad\x00name"), PATTERNS)


def test_root_given_through_a_symlink_is_resolved(tmp_path: Path, posts: Path) -> None:
    write(posts / "a.md")
    link = tmp_path / "link-to-posts"
    link.symlink_to(posts, target_is_directory=True)
    (found,) = discover(link, PATTERNS).files
    assert found.path == posts.resolve() / "a.md"
    assert read_post_bytes(found).startswith(b"---")


def test_walk_uses_no_extra_stat_calls(posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(30):
        write(posts / f"d{i % 3}/sub/p{i}.md")
        write(posts / f"d{i % 3}/img{i}.png", "x")
    calls: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counting_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        calls.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def counting_lstat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        calls.append(str(path))
        return real_lstat(path, *args, **kwargs)  # type: ignore[arg-type]

    prefix = str(posts.resolve()) + os.sep
    monkeypatch.setattr(os, "stat", counting_stat)
    monkeypatch.setattr(os, "lstat", counting_lstat)
    found = discover(posts, PATTERNS)
    monkeypatch.undo()
    assert len(found.files) == 30
    assert calls  # the patch is effective: resolving the root itself is counted
    inside = [c for c in calls if c.startswith(prefix)]
    assert inside == []  # DirEntry's d_type answered everything


# --- links, pipes, sockets, devices ------------------------------------------------------


def test_symlink_to_valid_post_outside_root_not_followed(tmp_path: Path, posts: Path) -> None:
    outside = write(tmp_path / "elsewhere/valid.md")
    (posts / "linked.md").symlink_to(outside)
    write(posts / "real.md")

    found = discover(posts, PATTERNS)

    assert relpaths(found) == ["real.md"]
    assert excluded_paths(found) == ["linked.md"]
    assert warnings_by_path(found) == {"linked.md": "symbolic link, not followed"}


def test_symlink_to_post_inside_root_not_followed(posts: Path) -> None:
    write(posts / "real.md")
    (posts / "alias.md").symlink_to("real.md")
    (posts / "dirlink").symlink_to(".", target_is_directory=True)
    found = discover(posts, PATTERNS)
    assert relpaths(found) == ["real.md"]
    assert excluded_paths(found) == ["alias.md", "dirlink"]
    assert warnings_by_path(found)["dirlink"] == "symbolic link to a folder, not followed"


def test_symlink_to_etc_passwd(posts: Path) -> None:
    (posts / "passwd.md").symlink_to("/etc/passwd")
    found = discover(posts, PATTERNS)
    assert found.files == ()
    assert excluded_paths(found) == ["passwd.md"]


def test_directory_symlink_loop_terminates(posts: Path) -> None:
    write(posts / "a/post.md")
    (posts / "a/loop").symlink_to("..", target_is_directory=True)
    (posts / "self").symlink_to("self")  # a link to itself: stat fails with ELOOP
    found = within(10, lambda: discover(posts, PATTERNS))
    assert relpaths(found) == ["a/post.md"]
    assert excluded_paths(found) == ["a/loop"]  # "self" matches no pattern and is no folder
    assert warnings_by_path(found) == {"a/loop": "symbolic link to a folder, not followed"}


def test_symlink_not_matching_a_pattern_is_ignored(posts: Path) -> None:
    write(posts / "a.md")
    (posts / "logo.png").symlink_to("/etc/hostname")
    found = discover(posts, PATTERNS)
    assert relpaths(found) == ["a.md"]
    assert found.excluded == ()
    assert found.diagnostics == ()


def test_fifo_named_like_a_post_never_opened(posts: Path) -> None:
    os.mkfifo(posts / "x.md")
    os.mkfifo(posts / "pipe.txt")  # matches no pattern: ignored silently
    write(posts / "y.md")

    found = within(10, lambda: discover(posts, PATTERNS))

    assert relpaths(found) == ["y.md"]
    assert excluded_paths(found) == ["x.md"]
    assert warnings_by_path(found) == {"x.md": "named pipe (FIFO), not read"}


def test_unix_socket_named_like_a_post(posts: Path) -> None:
    path = posts / "s.md"
    if len(os.fsencode(path)) >= 100:
        pytest.skip("temporary path too long for a unix socket")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        found = within(10, lambda: discover(posts, PATTERNS))
    finally:
        server.close()
    assert found.files == ()
    assert warnings_by_path(found) == {"s.md": "socket, not read"}


def test_device_named_like_a_post(posts: Path) -> None:
    try:
        os.mknod(posts / "null.md", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    found = within(10, lambda: discover(posts, PATTERNS))
    assert found.files == ()
    assert warnings_by_path(found) == {"null.md": "device, not read"}


def test_control_characters_in_names(posts: Path) -> None:
    write(posts / "bad\nname.md")
    write(posts / "ok.md")
    found = discover(posts, PATTERNS)
    assert relpaths(found) == ["ok.md"]
    assert excluded_paths(found) == ["bad\\nname.md"]  # shown escaped, never raw


def test_undecodable_name(posts: Path) -> None:
    try:
        fd = os.open(os.fsencode(posts) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY, 0o644)
    except OSError as exc:
        pytest.skip(f"file system refuses non-UTF-8 names: {exc}")
    os.close(fd)
    found = discover(posts, PATTERNS)
    assert found.files == ()
    (shown,) = excluded_paths(found)
    shown.encode("utf-8")  # printable: no lone surrogate
    assert shown == "caf\\udce9.md"


def test_unreadable_folder_is_a_warning(posts: Path) -> None:
    if not chmod_is_effective(posts):
        pytest.skip("running with privileges that ignore permissions (root)")
    write(posts / "locked/secret.md")
    write(posts / "open.md")
    (posts / "locked").chmod(0)
    try:
        found = discover(posts, PATTERNS)
    finally:
        (posts / "locked").chmod(0o755)
    assert relpaths(found) == ["open.md"]
    assert [(d.path, d.message, d.severity) for d in found.diagnostics] == [
        (
            "locked",
            "cannot read folder: Permission denied; its posts are not published",
            Severity.ERROR,
        )
    ]


def test_unreadable_root_is_an_error(posts: Path) -> None:
    if not chmod_is_effective(posts):
        pytest.skip("running with privileges that ignore permissions (root)")
    posts.chmod(0)
    try:
        with pytest.raises(FieldError, match="Permission denied"):
            discover(posts, PATTERNS)
    finally:
        posts.chmod(0o755)


# --- reading -----------------------------------------------------------------------------


def only(posts: Path) -> Found:
    (found,) = discover(posts, PATTERNS).files
    return found


def test_read_post_bytes_returns_exact_bytes(posts: Path) -> None:
    data = "\ufeff---\ntitle: 老家\n---\n正文\r\n".encode() + bytes(range(256))
    (posts / "p.md").write_bytes(data)
    assert read_post_bytes(only(posts)) == data


def test_read_nested_post(posts: Path) -> None:
    write(posts / "a/b/c.md", "nested")
    assert read_post_bytes(only(posts)) == b"nested"


@pytest.mark.parametrize(
    ("swap", "message"),
    [
        pytest.param(os.mkfifo, "named pipe", id="fifo"),
        pytest.param(
            lambda path: path.symlink_to("/etc/passwd"), "symbolic link, not followed", id="symlink"
        ),
        pytest.param(Path.mkdir, "folder, not a regular file", id="folder"),
        pytest.param(lambda path: None, r"^cannot read: No such file or directory$", id="deleted"),
    ],
)
def test_post_swapped_after_discovery(
    posts: Path, swap: Callable[[Path], object], message: str
) -> None:
    write(posts / "x.md")
    found = only(posts)
    (posts / "x.md").unlink()
    swap(posts / "x.md")
    with pytest.raises(FieldError, match=message):
        within(10, lambda: read_post_bytes(found))


def test_parent_folder_swapped_for_symlink_after_discovery(tmp_path: Path, posts: Path) -> None:
    write(posts / "sub/x.md", "inside")
    write(tmp_path / "evil/x.md", "outside")
    found = only(posts)
    (posts / "sub/x.md").unlink()
    (posts / "sub").rmdir()
    (posts / "sub").symlink_to(tmp_path / "evil", target_is_directory=True)
    with pytest.raises(FieldError, match="no longer a folder"):
        read_post_bytes(found)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_open_folders_reads_a_folder_once_and_still_refuses_swapped_folders(
    tmp_path: Path, posts: Path
) -> None:
    write(posts / "2021/a.md", "a")
    write(posts / "2021/b.md", "b")
    write(posts / "2022/c.md", "c")
    write(tmp_path / "evil/c.md", "outside")
    a, b, c = discover(posts, PATTERNS).files
    before = open_descriptors()
    with OpenFolders() as folders:
        assert read_post_bytes(a, folders=folders) == b"a"
        assert open_descriptors() == before + 1  # 2021/ kept open, nothing else
        (posts / "2021/a.md").unlink()  # the folder is open: its other posts still read
        assert read_post_bytes(b, folders=folders) == b"b"
        (posts / "2022/c.md").unlink()
        (posts / "2022").rmdir()
        (posts / "2022").symlink_to(tmp_path / "evil", target_is_directory=True)
        with pytest.raises(FieldError, match="no longer a folder"):
            read_post_bytes(c, folders=folders)
        assert read_post_bytes(b, folders=folders) == b"b"
    assert open_descriptors() == before


def test_oversize_file_refused(posts: Path) -> None:
    with (posts / "big.md").open("wb") as f:
        f.truncate(20 * MIB)  # sparse: nothing is read before refusing
    with pytest.raises(FieldError) as info:
        read_post_bytes(only(posts))
    assert str(info.value) == "file is 20 MiB, over the 16 MiB limit"


def test_size_limit_boundaries(posts: Path) -> None:
    (posts / "p.md").write_bytes(b"x" * 2048)
    found = only(posts)
    assert read_post_bytes(found, max_bytes=2048) == b"x" * 2048
    with pytest.raises(FieldError) as info:
        read_post_bytes(found, max_bytes=2047)
    assert str(info.value) == "file is 2048 bytes, over the 2047 bytes limit"
    with pytest.raises(FieldError) as info:
        read_post_bytes(found, max_bytes=2000)
    assert str(info.value) == "file is 2048 bytes, over the 2000 bytes limit"
    with pytest.raises(FieldError) as info:
        read_post_bytes(found, max_bytes=1024)
    assert str(info.value) == "file is 2 KiB, over the 1 KiB limit"
    with pytest.raises(FieldError, match="whole number"):
        read_post_bytes(found, max_bytes=-1)
    with pytest.raises(FieldError, match="whole number"):
        read_post_bytes(found, max_bytes=True)


def test_file_growing_after_fstat_is_capped(posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (posts / "p.md").write_bytes(b"x" * 100)
    found = only(posts)
    real_fstat = os.fstat
    calls = {"n": 0}

    def shrinking_fstat(fd: int) -> os.stat_result:
        result = real_fstat(fd)
        calls["n"] += 1
        if calls["n"] == 2:  # the size check after opening: pretend the file was empty
            values = list(result)
            values[stat.ST_SIZE] = 0
            return os.stat_result(values)
        return result

    monkeypatch.setattr(os, "fstat", shrinking_fstat)
    with pytest.raises(FieldError, match="over the 50 bytes limit"):
        read_post_bytes(found, max_bytes=50)


def test_unreadable_file(posts: Path) -> None:
    if not chmod_is_effective(posts):
        pytest.skip("running with privileges that ignore permissions (root)")
    write(posts / "x.md").chmod(0)
    with pytest.raises(FieldError, match=r"^cannot read: Permission denied$"):
        read_post_bytes(only(posts))


def test_read_refuses_hostile_arguments(tmp_path: Path) -> None:
    with pytest.raises(FieldError):
        read_post_bytes("x.md")  # type: ignore[arg-type]
    bogus = Found(path=tmp_path / "nope\x00.md", relpath="nope\x00.md", draft=False)
    with pytest.raises(FieldError):
        read_post_bytes(bogus)
    # A Found whose path does not end in its relpath is read by its path alone.
    write(tmp_path / "plain.md", "plain")
    odd = Found(path=tmp_path / "plain.md", relpath="../other.md", draft=False)
    assert read_post_bytes(odd) == b"plain"


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=4096))
def test_read_round_trips_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    root = tmp_path_factory.mktemp("posts")
    (root / "p.md").write_bytes(data)
    assert read_post_bytes(only(root)) == data
