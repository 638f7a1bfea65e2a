#!/bin/sh
echo "radar"
