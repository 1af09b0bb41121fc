"""Resolve stage for the resilience keys of a spec: what a vendor's ``RETRYING`` is given.

``transport_failures``, ``retry_budget`` and ``circuit_breaker`` become keyword
arguments of the shared ``Retrying``; a key the spec leaves out gives no argument, so the
shared runtime's defaults apply (transport failures retried 3 times, botocore's retry
quota, no breaker); a spec that declares ``rate_limits`` gives its limiter the vendor's
``rate_limits`` reader (otherwise the limiter only paces adaptively after 429s).
"""

from __future__ import annotations

from codegen.spec import Spec


def retrying_arguments(spec: Spec) -> list[tuple[str, str]]:
    """(keyword, Python expression) pairs for the vendor's ``Retrying``, in a fixed order."""
    arguments: list[tuple[str, str]] = []
    failures = spec.transport_failures
    if failures is not None:
        backoff = failures.backoff
        arguments.append(
            (
                "transport_policy",
                "DEFAULT_TRANSPORT_POLICY.replace("
                f"retryable={failures.retry!r}, max_attempts={failures.max_attempts if failures.retry else 1!r},"
                f" base_delay={backoff.base!r}, multiplier={backoff.multiplier!r},"
                f" max_delay={backoff.max_delay!r}, jitter={backoff.jitter.value!r})",
            )
        )
    budget = spec.retry_budget
    if budget is not None:
        value = (
            f"RetryBudget(capacity={budget.capacity!r}, retry_cost={budget.retry_cost!r},"
            f" timeout_cost={budget.timeout_cost!r}, success_refund={budget.success_refund!r})"
            if budget.enabled
            else "None"
        )
        arguments.append(("budget", value))
    breaker = spec.circuit_breaker
    if breaker is not None:
        arguments.append(
            (
                "breaker",
                f"CircuitBreaker(failure_rate={breaker.failure_rate!r}, window={breaker.window!r},"
                f" minimum_calls={breaker.minimum_calls!r}, open_for={breaker.open_for!r},"
                f" half_open_calls={breaker.half_open_calls!r})",
            )
        )
    if spec.rate_limits:
        # The vendor's own rate-limit headers feed its limiter.
        arguments.append(("limiter", "RateLimiter(rate_limits)"))
    return arguments


def retrying_imports(arguments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(shared module, name) imports the arguments need."""
    needed = {"transport_policy": ("_retrying", "DEFAULT_TRANSPORT_POLICY"),
              "budget": ("_budget", "RetryBudget"), "breaker": ("_budget", "CircuitBreaker"),
              "limiter": ("_ratelimit", "RateLimiter")}
    imports = []
    for name, value in arguments:
        if value != "None":
            imports.append(needed[name])
    return sorted(imports)
