# Web views: built in the UI work (placeholder routes so the navigation resolves).
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def placeholder(request, pk=None):
    return HttpResponse("")
