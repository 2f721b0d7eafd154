from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Ratings and screening")

    def ready(self):
        # members may not import evaluation (DESIGN.md 7): the member page's timeline
        # gets ratings, flags and removals from this source instead.
        from members.timeline import register_member_actions, register_timeline_source

        from .views import member_actions, member_timeline_entries

        register_timeline_source(member_timeline_entries)
        register_member_actions(member_actions)
