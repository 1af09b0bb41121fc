"""Retry policies: a spec's policy becomes the record the policy tables print."""

from __future__ import annotations

from codegen.model import PolicyIR
from codegen.naming import constant_name
from codegen.spec import RetryPolicy


def resolve_policy(name: str, policy: RetryPolicy) -> PolicyIR:
    return PolicyIR(
        constant=constant_name(name),
        name=name,
        description=policy.description,
        retryable=policy.retryable,
        action=policy.action.name,
        max_attempts=policy.max_attempts,
        base_delay=float(policy.backoff.base),
        multiplier=float(policy.backoff.multiplier),
        max_delay=float(policy.backoff.max_delay),
        jitter=policy.backoff.jitter.value,
        honor_server_delay=policy.honor_server_delay,
        default_delay=None if policy.default_delay is None else float(policy.default_delay),
        max_server_delay=float(policy.max_server_delay),
        rejected_before_processing=policy.rejected_before_processing,
    )


def delay_summary(policy: PolicyIR) -> str:
    """How long ``next_delay`` waits under a policy, in a few words."""
    if not policy.retryable:
        return "no retry"
    parts = []
    if policy.honor_server_delay:
        parts.append(f"server's delay up to {policy.max_server_delay:g} s")
    if policy.default_delay is not None:
        parts.append(f"{policy.default_delay:g} s")
    else:
        jitter = "" if policy.jitter == "none" else f", {policy.jitter} jitter"
        parts.append(
            f"backoff {policy.base_delay:g} s × {policy.multiplier:g} up to {policy.max_delay:g} s{jitter}"
        )
    return f"{', else '.join(parts)}; {policy.max_attempts} attempts"
