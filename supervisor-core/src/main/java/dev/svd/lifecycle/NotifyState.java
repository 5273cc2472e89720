package dev.svd.lifecycle;

import java.time.Instant;

/**
 * What the current process of a service told svd over its {@code NOTIFY_SOCKET} (sd_notify(3),
 * docs/notify.md). Part of {@link ServiceSnapshot}: set by {@link Lifecycle} from
 * {@link Event.Notified}, reset with each new process. Immutable.
 *
 * @param status        the last {@code STATUS=} text, "" for none
 * @param mainPid       the last accepted {@code MAINPID=}, 0 for none
 * @param reloading     {@code RELOADING=1} came and no {@code READY=1} since
 * @param stopping      {@code STOPPING=1} came
 * @param extendedUntil the start or stop timeout does not end before this ({@code EXTEND_TIMEOUT_USEC=});
 *                      null when not extended
 */
public record NotifyState(String status, int mainPid, boolean reloading, boolean stopping, Instant extendedUntil) {
    public static final NotifyState NONE = new NotifyState("", 0, false, false, null);

    NotifyState withStatus(String s) {
        return new NotifyState(s, mainPid, reloading, stopping, extendedUntil);
    }

    NotifyState withMainPid(int p) {
        return new NotifyState(status, p, reloading, stopping, extendedUntil);
    }

    NotifyState withReloading(boolean r) {
        return new NotifyState(status, mainPid, r, stopping, extendedUntil);
    }

    NotifyState withStopping() {
        return new NotifyState(status, mainPid, reloading, true, extendedUntil);
    }

    NotifyState withExtendedUntil(Instant until) {
        return new NotifyState(status, mainPid, reloading, stopping, until);
    }
}
