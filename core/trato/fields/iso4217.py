"""ISO 4217 current codes and their minor units, kept as data.

Source: ISO 4217 "List One" (current currency and funds code list) as SIX
Group publishes it for the ISO 4217 Maintenance Agency, with the amendments
up to 2026-01-01: XCG replaced ANG (2025), ZWG replaced ZWL (2024), SLE
replaced SLL, and BGN was withdrawn when Bulgaria adopted the euro on
2026-01-01. Codes whose minor unit is "N.A." (precious metals, XDR, XSU,
XUA, the XB* bond units, XTS, XXX) are left out: nothing is invoiced in them.

Babel's (CLDR's) digits are not used on purpose: CLDR rounds some codes
differently from ISO (IQD 0 instead of 3, IRR, ALL, LBP, RSD... 0 instead of 2).
"""
from __future__ import annotations

from types import MappingProxyType

# Funds codes (units of account beside a currency), in List One too and so valid, but not a country's cash.
FUNDS = frozenset({"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"})

_DIGITS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
    2: "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF "
       "CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ "
       "GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD "
       "MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON "
       "RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS "
       "UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG",
}

MINOR_UNITS: MappingProxyType[str, int] = MappingProxyType(
    {code: digits for digits, codes in _DIGITS.items() for code in codes.split()})
