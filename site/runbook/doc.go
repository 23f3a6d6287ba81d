// Package runbook owns the guided swap of one position: the steps each plan
// needs, the SNMP checks that prove a step, the rules for recording a result
// (who, when, outcome, note, value and evidence, every try kept), the history
// of every step across attempts, corrections, rollbacks, the numbers a swap
// gives a position, and the site report built from all of it.
package runbook
