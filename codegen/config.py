"""Settings: ``[tool.codegen]`` of the nearest ``pyproject.toml``, overridden by flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from codegen.errors import UsageError

KNOWN_KEYS = ("specs", "output", "templates", "allow_outside")
SPEC_SUFFIXES = (".yaml", ".yml")


class Config(NamedTuple):
    root: Path
    """The folder that paths in messages and headers are relative to."""
    specs: Path
    output: Path
    """Its parent folder resolved, itself not: a symbolic link stays visible (``build.guard_output``)."""
    templates: Path | None
    allow_outside: bool = False
    """Whether the output may be a symbolic link or lie outside the project."""
    package_name: str = ""
    """The generated package's name, when it is not the output folder's (a followed link's)."""

    @property
    def package(self) -> str:
        """The generated package's name: the output folder's, as the user names it."""
        return self.package_name or self.output.name


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(
    cwd: Path,
    *,
    specs: str | None = None,
    output: str | None = None,
    templates: str | None = None,
    allow_outside: bool = False,
) -> Config:
    pyproject = find_pyproject(cwd)
    settings: dict[str, Any] = {}
    root = cwd
    if pyproject is not None:
        import tomllib

        try:
            document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{pyproject}: invalid TOML: {exc}") from None
        settings = document.get("tool", {}).get("codegen", {})
        if not isinstance(settings, dict):
            raise UsageError(f"{pyproject}: [tool.codegen] must be a table")
        for key, value in settings.items():
            if key not in KNOWN_KEYS:
                raise UsageError(f"{pyproject}: unknown setting '{key}' in [tool.codegen]; known: {', '.join(KNOWN_KEYS)}")
            if key == "allow_outside":
                if not isinstance(value, bool):
                    raise UsageError(f"{pyproject}: [tool.codegen] {key} must be true or false")
            elif not isinstance(value, str):
                raise UsageError(f"{pyproject}: [tool.codegen] {key} must be a string path")
        if settings:
            root = pyproject.parent

    def resolve(flag: str | None, key: str, default: str | None) -> Path | None:
        if flag is not None:
            return (cwd / flag).resolve()
        value = settings.get(key, default)
        return (root / value).resolve() if value is not None else None

    import os

    specs_path = resolve(specs, "specs", "specs")
    output_setting = (cwd / output) if output is not None else root / settings.get("output", "generated")
    # Its folder resolved, but not the output itself: a link there must be seen to be refused.
    absolute = Path(os.path.abspath(output_setting))
    output_path = absolute.parent.resolve() / absolute.name
    assert specs_path is not None
    return Config(
        root=root.resolve(),
        specs=specs_path,
        output=output_path,
        templates=resolve(templates, "templates", None),
        allow_outside=allow_outside or settings.get("allow_outside", False),
    )


def display(path: Path, root: Path) -> str:
    """A path as shown in messages and file headers: relative to the project when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def builtin_template_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "vendor").is_dir():
            return candidate
    raise FileNotFoundError("codegen's built-in templates are missing from the installation")


def template_dirs(override: Path | None) -> list[Path]:
    dirs = [builtin_template_dir()]
    if override is not None:
        dirs.insert(0, override)
    return dirs


def spec_files(folder: Path) -> list[Path]:
    """The spec files of a folder, in a stable order whatever the file system lists."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file()),
        key=lambda p: p.name,
    )
