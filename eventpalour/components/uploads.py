"""The one drop zone for files (logo, banner, KYC document), with a named file input."""

from __future__ import annotations

import reflex as rx


def _file_input(component: rx.Component) -> rx.Component | None:
    if getattr(component, "tag", None) == "input":
        return component
    for child in getattr(component, "children", []):
        if (found := _file_input(child)) is not None:
            return found
    return None


def file_drop(*children: rx.Component, label: str, **props: object) -> rx.Component:
    """`rx.upload` whose hidden file input is named `label` (what the file is, e.g. "Event banner").

    Reflex renders the input with react-dropzone's props only, so a screen reader (and axe's `label`
    rule) found a nameless "Choose files" control; the name goes on as a plain attribute, which the
    dropzone's props leave alone.
    """
    upload = rx.upload(*children, **props)
    file_input = _file_input(upload)
    if file_input is None:  # Reflex changed how it builds the drop zone: fail the build, not silently
        raise RuntimeError("rx.upload no longer renders an <input>; name its file input another way")
    file_input.custom_attrs["aria-label"] = label
    return upload
