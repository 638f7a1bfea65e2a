#!/bin/sh
echo "my_demo"
