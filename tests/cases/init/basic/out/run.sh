#!/bin/sh
echo "signal_chain"
