#!/usr/bin/env bash
set -euo pipefail
TAG="${GIT_SHA:-dev}"
docker build -t registry.example.com/shop/worker:"$TAG" .
docker push registry.example.com/shop/worker:"$TAG"
echo "docker build is done"
