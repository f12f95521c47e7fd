"""The image generation tool in a Responses request: the documented checks, then the call item.

Checks, in order: the tool's options (`size`, `quality`, `background`, `output_format`); streaming (the
docs: the tool does not work in streaming mode); the calling model, where the doc snapshot lists the models
the tool can be used from (the older page: gpt-4o, ..., o3, gpt-5 and the gpt-5.1 series; an entry with a
minor version such as gpt-5.1 stands for its series); in Azure mode the `x-ms-oai-image-generation-deployment`
header, which must name an image deployment (`config.image_deployments`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from openapi.catalog import snapshot as catalog_snapshot

from emulator.compaction import new_id
from emulator.config import EmulatorConfig
from emulator.errors import invalid
from emulator.image_gen import BACKGROUNDS, OUTPUT_FORMATS, QUALITIES, choose_size, convert_format, render_png

IMAGE_DEPLOYMENT_HEADER = "x-ms-oai-image-generation-deployment"
_LEAD = re.compile(
    r"^(?:please\s+)?(?:generate|create|draw|make|paint|render|design|produce|sketch|illustrate)\s+(?:me\s+)?"
    r"(?:(?:an?|the)\s+)?(?:image|picture|photo|drawing|illustration|painting|sketch)?\s*(?:of\s+)?",
    re.IGNORECASE,
)
_VERB = re.compile(r"\b(generate|create|draw|make|paint|render|design|produce|sketch|illustrate)\b", re.I)
_NOUN = re.compile(r"\b(image|picture|photo|drawing|illustration|painting|sketch|logo|poster|icon|artwork)s?\b", re.I)


def check_image_options(tool: dict, index: int) -> None:
    try:
        choose_size(tool.get("size"))
    except ValueError as exc:
        raise invalid(f"tools[{index}].size", str(exc)) from None
    for key, allowed in (("quality", QUALITIES), ("background", BACKGROUNDS), ("output_format", OUTPUT_FORMATS)):
        if tool.get(key) is not None and tool[key] not in allowed:
            raise invalid(
                f"tools[{index}].{key}", f"tools[].{key} {tool[key]!r} is not supported; use one of {', '.join(allowed)}."
            )
    if tool.get("background") == "transparent" and tool.get("output_format") == "jpeg":
        raise invalid(f"tools[{index}].output_format", "A transparent background needs output_format png or webp.")


def image_model(
    tools: list[dict], body: dict, model: str, headers: Mapping[str, str], config: EmulatorConfig
) -> str | None:
    """The image model behind the request's image_generation tool (None without one), after the checks.

    `model` is the catalog model the request's deployment runs (the orchestrator)."""
    tool = next((t for t in tools if t.get("type") == "image_generation"), None)
    if tool is None:
        return None
    snapshot = catalog_snapshot(config.snapshot)
    if body.get("stream") and not snapshot.supports_feature("image_generation_streaming"):
        raise invalid(
            "stream",
            "The image generation tool is not supported in streaming mode (a documented limitation); send the "
            "request without stream=true, or stream partial images with the images API directly.",
            code="unsupported_value",
        )
    orchestrators = snapshot.image_generation_orchestrators
    if orchestrators and not any(model == o or ("." in o and model.startswith(f"{o}-")) for o in orchestrators):
        raise invalid(
            "model",
            f"The image generation tool cannot be used from {model} in this API version (doc snapshot "
            f"{snapshot.id}); use a deployment of one of: {', '.join(orchestrators)}.",
            code="unsupported_value",
        )
    if not config.azure_mode:
        return str(tool.get("model") or "gpt-image-1")
    deployments = config.image_deployments or {m: m for m in snapshot.image_generation_models}
    deployment = next((v for k, v in headers.items() if k.lower() == IMAGE_DEPLOYMENT_HEADER), None)
    known = ", ".join(sorted(deployments))
    if not deployment:
        raise invalid(
            IMAGE_DEPLOYMENT_HEADER,
            f"The image_generation tool needs the request header {IMAGE_DEPLOYMENT_HEADER} naming your image "
            f"model deployment (one of: {known}).",
            code="missing_required_header",
        )
    if deployment not in deployments:
        raise invalid(
            IMAGE_DEPLOYMENT_HEADER,
            f"The header {IMAGE_DEPLOYMENT_HEADER} names {deployment!r}, which is not an image generation "
            f"deployment here; use one of: {known}.",
        )
    return deployments[deployment]


def wants_image(text: str) -> bool:
    return bool(_VERB.search(text) and _NOUN.search(text)) or bool(re.search(r"\b(draw|paint|sketch)\b", text, re.I))


def revised_prompt(text: str) -> str:
    """The prompt without its request lead-in: "Generate an image of a cat" -> "A cat."."""
    core = _LEAD.sub("", " ".join(text.split())).strip() or text.strip()
    core = core[:1].upper() + core[1:]
    return core if core.endswith((".", "!", "?")) else core + "."


def image_generation_call(tool: dict, model: str, text: str) -> tuple[dict, str]:
    """(the `image_generation_call` item, the fact for the answer)."""
    prompt = revised_prompt(text)
    quality, background = tool.get("quality") or "auto", tool.get("background") or "auto"
    png, size = render_png(prompt, tool.get("size"), quality, background)
    output_format = tool.get("output_format") or "png"
    data = convert_format(png, output_format, tool.get("output_compression"))
    item = {
        "id": new_id("ig"),
        "type": "image_generation_call",
        "status": "completed",
        "result": base64.b64encode(data).decode("ascii"),
        "revised_prompt": prompt,
        "size": size,
        "quality": quality,
        "background": background,
        "output_format": output_format,
    }
    return item, f"Generated a {size} {output_format.upper()} image with {model}: {prompt}"
