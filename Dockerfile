# warmer in a container: a Debian 12 build stage, then a runtime image that
# holds only the statically linked program and a /tmp (check, interop,
# explore and record spool there). README.md, "Docker", says how to use it.
#   docker build -t warmer .
#   docker run --rm -v "$PWD/transcripts:/work:ro" warmer check .

FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# build/warmer-static: the same objects as build/warmer, linked with -static
# (pthreads included). The book run checks it before it is shipped.
RUN make -j"$(nproc)" static \
 && build/warmer-static run --format book | cmp - fixtures/book.out \
 && mkdir -p /rootfs/tmp /rootfs/work \
 && chmod 1777 /rootfs/tmp \
 && strip -o /rootfs/warmer build/warmer-static

# No shell, no libc, no package manager: warmer alone.
FROM scratch
COPY --from=build /rootfs/ /
ENV TMPDIR=/tmp
# nobody; run with --user "$(id -u):$(id -g)" when it writes into a mount
# (check --update, explore --out).
USER 65534:65534
WORKDIR /work
ENTRYPOINT ["/warmer"]
CMD ["--help"]
