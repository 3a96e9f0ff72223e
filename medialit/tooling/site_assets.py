"""Serve the widget runtime from the built site itself (a Sphinx extension).

myst-nb loads require.js, the ipywidgets html-manager and every widget's
front-end module from public CDNs by default. The course site must work with
no network, so this extension copies the npm packages that `npm ci` put in
node_modules/ into ``_static/vendor/npm/<name>@<version>/`` and, on each page
that shows widgets, configures require.js to find everything there:

- ``baseUrl`` is the page's relative path to ``_static/vendor/npm/``, so the
  html-manager's ``data-jupyter-widgets-cdn="./"`` turns a widget module into
  ``<baseUrl>/anywidget@~0.11.*/dist/index.js`` (the html-manager's CDN URL
  pattern, with the version range the Python side writes into saved state);
- ``paths`` map the ``@jupyter-widgets/*`` modules that embed-amd.js defines
  onto its own directory: webpack derives the URL of the bundled Font Awesome
  files from those module URLs, so the fonts sit beside embed-amd.js as in the
  npm package.

A configuration that would still load a runtime file from another host is a
build error. Enabled in _config.yml with
``sphinx: extra_extensions: [medialit.tooling.site_assets]``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

VENDOR_DIR = "_static/vendor/npm"
CDN_ATTRIBUTE = "data-jupyter-widgets-cdn"
CDN_ONLY_ATTRIBUTE = "data-jupyter-widgets-cdn-only"


class SiteAssetError(RuntimeError):
    """The vendored front-end files are missing or do not match the Python side."""


@dataclass(frozen=True)
class VendoredPackage:
    """An npm package whose files the site serves."""

    name: str
    files: tuple[str, ...]
    # Licence files to keep beside the code (paths inside the package).
    licences: tuple[str, ...] = ()
    # Python distribution whose licence file covers this package when the npm
    # tarball ships none (the html-manager is built from the ipywidgets repo).
    licence_from_python: str | None = None


PACKAGES: tuple[VendoredPackage, ...] = (
    # require.js carries its MIT licence in its header; the file is copied unminified.
    VendoredPackage("requirejs", files=("require.js",)),
    VendoredPackage(
        "@jupyter-widgets/html-manager",
        files=("dist/embed-amd.js", "dist/*.woff2", "dist/*.woff", "dist/*.ttf", "dist/*.eot", "dist/*.svg"),
        # Third-party notices of the bundle; the fonts are Font Awesome Free (SIL OFL 1.1 / MIT).
        licences=("dist/embed.js.LICENSE.txt", "../../@fortawesome/fontawesome-free/LICENSE.txt"),
        licence_from_python="ipywidgets",
    ),
    VendoredPackage("anywidget", files=("dist/index.js",), licences=("LICENSE",)),
)


def package_version(node_modules: Path, name: str) -> str:
    """Version of an installed npm package, read from its package.json."""
    manifest = node_modules / name / "package.json"
    if not manifest.is_file():
        raise SiteAssetError(
            f"{manifest} is missing: run `bash scripts/setup` (or `npm ci`) in the repository root "
            "so the widget runtime can be served from the site."
        )
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def anywidget_module_version() -> str:
    """The version range anywidget writes into saved widget state.

    The html-manager asks for exactly this string in the module URL, so the
    vendored directory must carry it (for 0.11.0 it is ``~0.11.*``).
    """
    import anywidget

    trait = anywidget.AnyWidget.class_traits()["_view_module_version"]
    return str(trait.default_value)


def vendored_dir_name(node_modules: Path, package: VendoredPackage) -> str:
    """Directory name under VENDOR_DIR, in the html-manager's ``name@version`` form."""
    version = package_version(node_modules, package.name)
    if package.name == "anywidget":
        python_version = metadata.version("anywidget")
        if python_version != version:
            raise SiteAssetError(
                f"npm anywidget {version} does not match Python anywidget {python_version}: "
                "pin the same version in package.json and requirements.txt."
            )
        return f"anywidget@{anywidget_module_version()}"
    return f"{package.name}@{version}"


def copy_vendored(node_modules: Path, static_npm: Path) -> list[str]:
    """Copy the packages' files and licences into ``static_npm``; return the paths written under it."""
    written: list[str] = []
    for package in PACKAGES:
        source = node_modules / package.name
        target = static_npm / vendored_dir_name(node_modules, package)
        for pattern in (*package.files, *package.licences, "package.json"):
            matches = sorted(source.glob(pattern)) if "*" in pattern else [source / pattern]
            if not matches or not all(match.is_file() for match in matches):
                raise SiteAssetError(
                    f"{source / pattern} is missing: run `npm ci` in the repository root "
                    f"(or package {package.name} changed its layout)."
                )
            for source_file in matches:
                written.append(_copy(source_file, target / _destination_name(node_modules, source, source_file)))
        if package.licence_from_python:
            written.append(_copy(_python_licence_file(package.licence_from_python), target / "LICENSE"))
    return [Path(path).relative_to(static_npm).as_posix() for path in written]


def _destination_name(node_modules: Path, package_dir: Path, source_file: Path) -> Path:
    # A licence borrowed from another npm package goes under licences/<that package>/.
    resolved = source_file.resolve()
    if resolved.is_relative_to(package_dir.resolve()):
        return resolved.relative_to(package_dir.resolve())
    return Path("licences") / resolved.relative_to(node_modules.resolve())


def _copy(source: Path, destination: Path) -> str:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return str(destination)


def _python_licence_file(distribution: str) -> Path:
    for entry in metadata.files(distribution) or []:
        if Path(str(entry)).name in {"LICENSE", "LICENSE.txt", "LICENSE.md"}:
            return Path(str(entry.locate()))
    raise SiteAssetError(f"no LICENSE file found in the installed {distribution} distribution")


def _vendored_script(provided: list[str], package: str, suffix: str) -> str:
    for path in provided:
        if path.startswith(package + "@") and path.endswith(suffix):
            return f"vendor/npm/{path}"
    raise SiteAssetError(f"{package} {suffix} is not among the vendored files")


def check_widget_js_config(ipywidgets_js: dict[str, dict[str, Any]], provided: list[str]) -> None:
    """Refuse a configuration that would load any widget runtime file from another host."""
    expected = {
        _vendored_script(provided, "requirejs", "/require.js"),
        _vendored_script(provided, "@jupyter-widgets/html-manager", "/dist/embed-amd.js"),
    }
    for path in ipywidgets_js:
        if "://" in path or path.startswith("//"):
            raise SiteAssetError(f"nb_ipywidgets_js loads {path!r} from another host; use {sorted(expected)}.")
    if set(ipywidgets_js) != expected:
        raise SiteAssetError(f"nb_ipywidgets_js must name exactly {sorted(expected)}, got {sorted(ipywidgets_js)}.")
    manager = ipywidgets_js[_vendored_script(provided, "@jupyter-widgets/html-manager", "/dist/embed-amd.js")]
    cdn = manager.get(CDN_ATTRIBUTE)
    if cdn != "./" or CDN_ONLY_ATTRIBUTE not in manager:
        raise SiteAssetError(
            f"the embed-amd.js entry of nb_ipywidgets_js must set {CDN_ATTRIBUTE}: './' (relative to the "
            f"require.js baseUrl this extension sets) and {CDN_ONLY_ATTRIBUTE}: '' (got {manager!r}); "
            "otherwise the html-manager fetches widget modules from jsDelivr or from the page's folder."
        )


def require_config(base_url: str, html_manager_dir: str) -> dict[str, Any]:
    """require.js configuration for one page; ``base_url`` is the page's path to _static/vendor/npm/."""
    return {
        "baseUrl": base_url,
        "paths": {
            # The longest prefix wins: both lead to embed-amd.js's own directory (see the module docstring).
            "@jupyter-widgets/html-manager/dist": html_manager_dir,
            "@jupyter-widgets": html_manager_dir,
        },
    }


@dataclass(frozen=True)
class _Runtime:
    require_js: str  # require.js as Sphinx names it in a page's script_files
    html_manager_dir: str  # embed-amd.js's directory, relative to _static/vendor/npm/


def _on_builder_inited(app: Any) -> None:
    if app.builder.format != "html":
        return
    node_modules = Path(app.srcdir) / "node_modules"
    static_npm = Path(app.outdir) / VENDOR_DIR
    # Copied before pages are written so Sphinx adds its ?v=<checksum> cache-buster to the script tags.
    provided = copy_vendored(node_modules, static_npm)
    check_widget_js_config(app.config.nb_ipywidgets_js, provided)
    embed = _vendored_script(provided, "@jupyter-widgets/html-manager", "/dist/embed-amd.js")
    app.builder.medialit_runtime = _Runtime(
        require_js="_static/" + _vendored_script(provided, "requirejs", "/require.js"),
        html_manager_dir=embed.removeprefix("vendor/npm/").removesuffix("/embed-amd.js"),
    )


def _on_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    _drop_repeated_inline_scripts(scripts)
    runtime: _Runtime = app.builder.medialit_runtime
    for index, script in enumerate(scripts):
        if getattr(script, "filename", None) == runtime.require_js:
            config = require_config(context["pathto"](VENDOR_DIR + "/", 1), runtime.html_manager_dir)
            # A global `require` object defined before require.js loads is its configuration.
            body = f"var require = {json.dumps(config)};"
            # Sphinx's script objects have no public constructor: make one of the same type.
            scripts.insert(index, type(script)(None, priority=script.priority, body=body))
            return


def _drop_repeated_inline_scripts(scripts: list) -> None:
    # sphinx-thebe's settings script lands on each page twice, and its second
    # `const THEBE_JS_URL` is a SyntaxError in the browser. An identical inline
    # script never needs to run twice, so later copies are removed.
    kept: list = []
    keys: set[tuple] = set()
    for script in scripts:
        if not getattr(script, "filename", None):
            key = tuple(sorted(getattr(script, "attributes", {}).items()))
            if key in keys:
                continue
            keys.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("builder-inited", _on_builder_inited)
    # After myst-nb (priority 500) has added the per-page widget scripts.
    app.connect("html-page-context", _on_page_context, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
