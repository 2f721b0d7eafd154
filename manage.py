#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Load the settings first so that a refusal (e.g. no SECRET_KEY with DEBUG off)
        # reads as one clear line instead of a later, unrelated traceback.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"dangvien: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
