"""
The Jinja2 backend of the public pages, sending Django's `template_rendered` test signal
as Django's own templates do under test, so that tests can read `response.context`.
Used by tests/settings.py only.
"""

from django.template.backends.jinja2 import Jinja2, Template
from django.test.signals import template_rendered


class InstrumentedTemplate(Template):
    def render(self, context=None, request=None):
        output = super().render(context, request)
        template_rendered.send(sender=self, template=self, context=dict(context or {}, request=request))
        return output


class InstrumentedJinja2(Jinja2):
    def get_template(self, template_name):
        template = super().get_template(template_name)
        return InstrumentedTemplate(template.template, self)
