#!/bin/sh
echo "{{ package }}"
