"""Address → province / city / district, with cpca (offline, ships its own area table)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParsedAddress:
    province: str = ""
    city: str = ""
    district: str = ""
    adcode: str = ""


_MUNICIPAL = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def parse_address(address: str) -> ParsedAddress:
    address = (address or "").strip()
    if not address:
        return ParsedAddress()
    import cpca  # loads its area table (~0.3 s) on first use only

    row = cpca.transform([address]).to_dict("records")[0]

    def clean(value: object) -> str:
        return "" if value is None or value != value else str(value)  # NaN != NaN

    province, city, district = clean(row.get("省")), clean(row.get("市")), clean(row.get("区"))
    if city in _MUNICIPAL:
        city = province  # 上海市 / 北京市 …: the municipality is the city
    return ParsedAddress(province=province, city=city, district=district, adcode=clean(row.get("adcode")))
