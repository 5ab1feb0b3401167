import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lib.phones import phone_or_blank

from .models import ShortLink

logger = logging.getLogger(__name__)

# The most replies one call may carry (the provider sends them in small batches).
INBOUND_MAX_ITEMS = 100


@require_GET
def short_link(request, code: str):
    """``/s/<code>``: the page a text message links to (a path of this site only)."""
    link = get_object_or_404(ShortLink, code=code[:12])
    return HttpResponseRedirect(link.path)


@csrf_exempt
@require_POST
def sms_inbound(request, token: str):
    """Replies to our texts, as Alibaba Cloud SMS pushes them (SmsUp: a JSON list of
    ``{"phone_number", "content", ...}``); each goes to ``SMS_OPT_OUT_REPLY``. The token
    in the URL is the proof (``SMS_INBOUND_TOKEN``); without one set, there is no such page."""
    expected = settings.SMS_INBOUND_TOKEN
    if not expected or not constant_time_compare(token, expected):
        raise Http404
    try:
        items = json.loads(request.body or b"[]")
    except ValueError:
        return JsonResponse({"code": 1, "msg": "invalid JSON"}, status=400)
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or len(items) > INBOUND_MAX_ITEMS:
        return JsonResponse({"code": 1, "msg": "a list of at most 100 messages"}, status=400)
    handle = import_string(settings.SMS_OPT_OUT_REPLY)
    handled = 0
    for item in items:
        if not isinstance(item, dict):
            continue
        phone = phone_or_blank(str(item.get("phone_number") or item.get("mobile") or "")[:32])
        text = str(item.get("content") or "")[:70]
        if phone and text:
            handled += handle(phone=phone, text=text)
    logger.info("SMS replies: %s received, %s opt-outs", len(items), handled)
    return JsonResponse({"code": 0, "msg": "成功"})
