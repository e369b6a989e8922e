#!/usr/bin/env python
import sys

from leadflow.cli import django_main

if __name__ == "__main__":
    django_main(sys.argv)
