SELECT api.create_organization(%(name)s, %(slug)s) AS organization_id
