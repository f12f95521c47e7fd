"""Images in and out: input_image by URL and base64; the image_generation tool with the deployment header."""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from contracts.results import NotApplicable, Unsupported
from contracts.scenarios.calls import CONTENT_TOKENS, body, create, post_response
from contracts.scenarios.expect import (
    REFUSAL_STATUSES, error_message, fail, items_of_type, ok_or_refused, output_text, response_object,
)
from contracts.scenarios.media import PUBLIC_IMAGE_URL, data_url, png_bytes
from contracts.scenarios.registry import ScenarioContext, scenario
from contracts.stream_rules import check_stream

IMAGE_HEADER = "x-ms-oai-image-generation-deployment"


def _ask(image_url: str) -> list[dict]:
    return [{"role": "user", "content": [
        {"type": "input_text", "text": "What is in this image? Name its main colour."},
        {"type": "input_image", "image_url": image_url},
    ]}]


@scenario(
    "images.input-url",
    "image input by URL",
    "2026-05 §'Afbeeldings-URL': input_image with a public image_url",
)
def input_url(ctx: ScenarioContext) -> str:
    answer = output_text(create(ctx, "create with an image URL", input=_ask(PUBLIC_IMAGE_URL), tokens=CONTENT_TOKENS))
    if not answer.strip():
        raise fail("the answer about the image is empty")
    return f"answered {answer[:60]!r}"


@scenario(
    "images.input-base64",
    "image input as base64 data URL",
    "2026-05 §'Base64-gecodeerde afbeelding': input_image with data:image/...;base64,",
)
def input_base64(ctx: ScenarioContext) -> str:
    url = data_url("image/png", png_bytes(37, 23))
    answer = output_text(create(ctx, "create with a base64 image", input=_ask(url), tokens=CONTENT_TOKENS))
    # A model names the colour (red); the emulator states the decoded size. Either proves the image was read.
    if "red" not in answer.lower() and "37x23" not in answer:
        raise fail(f"the answer shows no sign of the image (a red 37x23 PNG): {answer[:200]!r}")
    return f"answered {answer[:60]!r}"


def _generation_request(ctx: ScenarioContext, **fields: object) -> tuple[dict, dict[str, str]]:
    headers = {}
    if ctx.target.profile == "azure-v1":
        if not ctx.target.image_deployment:
            raise NotApplicable("no image deployment configured (--image-deployment)")
        headers[IMAGE_HEADER] = ctx.target.image_deployment
    payload = body(ctx, input="Generate an image of a gray tabby cat hugging an otter with an orange scarf.",
                   tools=[{"type": "image_generation"}], tokens=CONTENT_TOKENS, **fields)
    return payload, headers


@scenario(
    "images.generation",
    "image generation tool returns a decodable PNG",
    "2026-05 image generation section: tools=[{type: image_generation}] with the "
    "x-ms-oai-image-generation-deployment header; image_generation_call.result is base64 image data",
)
def generation(ctx: ScenarioContext) -> str:
    payload, headers = _generation_request(ctx)
    resp = post_response(ctx, payload, headers=headers)
    got = response_object(ok_or_refused(resp, "image generation"), "image generation", resp)
    calls = items_of_type(got, "image_generation_call")
    if not calls or not isinstance(calls[0].get("result"), str):
        raise fail(f"no image_generation_call with a result in output {[i.get('type') for i in got['output']]}", resp)
    try:
        data = base64.b64decode(calls[0]["result"], validate=True)
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            fmt, size = img.format, img.size
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError) as exc:
        raise fail(f"image_generation_call.result is not a decodable image: {exc}", resp) from None
    if fmt != "PNG":
        raise fail(f"the generated image is {fmt}, expected PNG (the seed writes otter.png)", resp)
    return f"PNG {size[0]}x{size[1]}, {len(data)} bytes"


@scenario(
    "images.generation-streaming",
    "the image generation tool in streaming mode",
    "2026-05 image generation section + 'Momenteel niet ondersteund': the image generation tool does not "
    "support streaming; stream partial images with the images API instead",
    feature="image_generation_streaming",
)
def generation_streaming(ctx: ScenarioContext) -> str:
    payload, headers = _generation_request(ctx, stream=True)
    result = ctx.session.stream("POST", "responses", json_body=payload, headers=headers)
    if result.status in REFUSAL_STATUSES:
        detail = error_message(result.error_body) or str(result.error_body)[:160]
        raise Unsupported(f"stream=true with the image_generation tool refused with HTTP {result.status}: {detail}")
    if result.status != 200:
        raise fail(f"stream=true with the image_generation tool answered HTTP {result.status}")
    problems = check_stream(result.events)
    if problems:
        raise fail("the image generation stream is malformed: " + "; ".join(map(str, problems[:4])))
    return f"streamed {len(result.events)} events"
