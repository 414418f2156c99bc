"""Engine.batch: POST /$batch through ctypes."""
import pytest

import cpep
from cpep_support import TENANT as TENANT_A


def create(i, partner_id, **extra):
    request = {"id": str(i), "method": "POST", "url": cpep.PARTNERS_PATH,
               "body": {"partnerId": partner_id, "enableConnection": True}}
    request.update(extra)
    return request


def test_batch_answers_each_request_by_id():
    caller = cpep.app_caller(TENANT_A)
    with cpep.Engine() as engine:
        responses = engine.batch(caller, [
            create(1, "198d7140-80bb-4843-8cc4-811377a49a01"),
            create(2, "198d7140-80bb-4843-8cc4-811377a49a01"),
            {"id": "3", "method": "GET", "url": cpep.PARTNERS_PATH + "?$count=true", "dependsOn": ["1"]},
        ])
        assert responses["1"]["status"] == 201
        assert responses["2"]["status"] == 409
        assert responses["3"]["status"] == 200
        assert responses["3"]["body"]["@odata.count"] == 1


def test_refused_batch_raises():
    with cpep.Engine() as engine:
        with pytest.raises(cpep.GraphError) as info:
            engine.batch(cpep.app_caller(TENANT_A), [])
        assert info.value.status == 400
