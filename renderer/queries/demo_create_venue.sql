SELECT api.create_venue(%(organization_id)s, %(name)s, %(slug)s, %(capacity)s,
                        p_kind => %(kind)s, p_city => %(city)s, p_brand_colour => %(brand_colour)s)
