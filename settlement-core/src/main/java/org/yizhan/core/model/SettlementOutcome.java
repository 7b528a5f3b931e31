package org.yizhan.core.model;

/** What the engine returns for a claim: a settlement, or a rejection naming what is wrong. */
public sealed interface SettlementOutcome permits Settlement, Rejection {}
