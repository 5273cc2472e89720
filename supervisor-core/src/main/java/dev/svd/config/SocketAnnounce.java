package dev.svd.config;

import java.util.Locale;

/**
 * How a service's sockets are announced to its processes ({@code sockets-env}, docs/sockets.md).
 * systemd's {@code LISTEN_FDS}, {@code LISTEN_PID} and {@code LISTEN_FDNAMES} (sd_listen_fds(3)) are
 * always set; {@link #NGINX} also sets {@code NGINX="3;4;"}, which nginx reads at start as the
 * listening sockets of its binary upgrade (nginx.org/en/docs/control.html, "Upgrading Executable on
 * the Fly"; ngx_add_inherited_sockets in nginx's src/core/nginx.c).
 */
public enum SocketAnnounce {
    SYSTEMD, NGINX;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
