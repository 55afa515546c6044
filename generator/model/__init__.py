"""The content model: types, loading with diagnostics, and queries at a given moment."""

from .derive import (
    component_states,
    current_status,
    is_open,
    maintenance_phase,
    open_incidents,
    overall,
    site_at,
)
from .load import load_site
from .project import Project
from .types import (
    ActionItem,
    Component,
    ComponentState,
    Impact,
    Incident,
    Kind,
    Phase,
    Postmortem,
    Settings,
    Site,
    Update,
    Window,
)

__all__ = [
    "ActionItem",
    "Component",
    "ComponentState",
    "Impact",
    "Incident",
    "Kind",
    "Phase",
    "Postmortem",
    "Project",
    "Settings",
    "Site",
    "Update",
    "Window",
    "component_states",
    "current_status",
    "is_open",
    "load_site",
    "maintenance_phase",
    "open_incidents",
    "overall",
    "site_at",
]
